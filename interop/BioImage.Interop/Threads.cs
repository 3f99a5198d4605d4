namespace BioImage.Interop;

/// <summary>The ABI's thread-count convention: 0 = every core, n &gt; 0 = n threads.</summary>
internal static class Threads
{
    /// <summary>The degree of parallelism for <paramref name="threads"/>; throws when it is negative.</summary>
    public static int Resolve(int threads) => threads switch
    {
        0 => Environment.ProcessorCount,
        > 0 => threads,
        _ => throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be 0 (all cores) or positive."),
    };
}
