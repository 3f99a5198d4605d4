using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace BioImage.Throughput;

/// <summary>
/// CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, nanosecond resolution):
/// it stands still while the thread waits for a core, so a single-threaded measurement does not depend on how many
/// other processes share the machine — the gate's main source of noise on these shared 2-core machines.
/// </summary>
internal static class ThreadCpuClock
{
    /// <summary><c>CLOCK_THREAD_CPUTIME_ID</c> in Linux's time.h.</summary>
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>True where the clock exists (Linux); elsewhere the harness falls back to wall time.</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux();

    /// <summary>Seconds of CPU the calling thread has used.</summary>
    public static double Now() => ClockGetTime(ClockThreadCpuTimeId, out var time) == 0
        ? time.Seconds + (time.Nanoseconds * 1e-9)
        : throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno {Marshal.GetLastPInvokeError()}.");

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [SuppressMessage("Interoperability", "SYSLIB1054:Use LibraryImportAttribute", Justification = "LibraryImport's generated marshalling of the out struct needs unsafe code, which is kept to kernels/; this signature is blittable and needs none.")]
    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clockId, out TimeSpec time);
}
