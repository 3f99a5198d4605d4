using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace BioImage.Throughput;

/// <summary>What the figures were measured on: they are only comparable on the same kind of machine.</summary>
/// <param name="Cpu">CPU model name.</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="Runtime">.NET runtime.</param>
/// <param name="VectorBits">Width of <see cref="Vector{T}"/> in this process.</param>
/// <param name="Commit">Commit the harness was built from.</param>
/// <param name="Date">UTC date and time of the measurement.</param>
internal sealed record Machine(string Cpu, int Cores, string Runtime, int VectorBits, string Commit, string Date)
{
    public static Machine Current { get; } = new(
        CpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.FrameworkDescription,
        Vector.IsHardwareAccelerated ? Vector<byte>.Count * 8 : 0,
        typeof(Machine).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "CommitHash")?.Value ?? "unknown",
        DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        string? line = File.Exists(cpuInfo) ? File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
