using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace BioImage.Interop;

/// <summary>
/// bk_cpu_level: the highest x86-64 level (2, 3 or 4; 1 below v2) that the CPUID instruction reports, so a loader
/// can confirm a choice made from /proc/cpuinfo before it loads a build that would abort. CPUID is what a
/// virtualising tool such as valgrind rewrites (it hides AVX-512), while /proc/cpuinfo still shows the host's flags.
/// Reads the psABI level bits of CPUID leaves 1 (ECX), 7 (EBX) and 0x80000001 (ECX). Whether the OS saves the
/// AVX/AVX-512 registers (XCR0) is not read here: .NET exposes no XGETBV, and Linux already drops those flags from
/// /proc/cpuinfo when it does not, which the loader checks first.
/// </summary>
public static class CpuLevel
{
    /// <summary><c>int32_t bk_cpu_level(void)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "bk_cpu_level")]
    public static int Detect()
    {
        try
        {
            return Level();
        }
        catch (Exception e)
        {
            return -LastError.Fail(e);
        }
    }

    private static int Level()
    {
        if (!X86Base.IsSupported)
        {
            return 1;
        }

        int leaf1 = X86Base.CpuId(1, 0).Ecx;
        int leaf7 = X86Base.CpuId(0, 0).Eax >= 7 ? X86Base.CpuId(7, 0).Ebx : 0;
        int extended = X86Base.CpuId(unchecked((int)0x80000000), 0).Eax;
        int leaf81 = (uint)extended >= 0x80000001 ? X86Base.CpuId(unchecked((int)0x80000001), 0).Ecx : 0;
        static bool All(int register, params int[] bits) => bits.All(bit => (register & (1 << bit)) != 0);

        // v2: SSSE3 9, SSE4.1 19, SSE4.2 20, CX16 13, POPCNT 23; LAHF 0 (ext).
        if (!All(leaf1, 9, 13, 19, 20, 23) || !All(leaf81, 0))
        {
            return 1;
        }

        // v3: FMA 12, MOVBE 22, OSXSAVE 27, AVX 28, F16C 29; AVX2 5, BMI1 3, BMI2 8 (leaf 7); LZCNT 5 (ext).
        if (!All(leaf1, 12, 22, 27, 28, 29) || !All(leaf7, 3, 5, 8) || !All(leaf81, 5))
        {
            return 2;
        }

        // v4: AVX512F 16, DQ 17, CD 28, BW 30, VL 31 (leaf 7).
        return All(leaf7, 16, 17, 28, 30, 31) ? 4 : 3;
    }
}
