namespace BioImage.Kernels;

/// <summary>Splits 0..count into at most <c>degreeOfParallelism</c> contiguous chunks and runs them in parallel.</summary>
internal static class ParallelChunks
{
    /// <summary>
    /// Runs <paramref name="work"/>(chunk, first, end) for <c>min(degreeOfParallelism, count)</c> contiguous chunks
    /// [first, end) covering 0..count in order; a single chunk runs on the calling thread without the thread pool.
    /// </summary>
    public static void For(int count, int degreeOfParallelism, Action<int, int, int> work)
    {
        int chunks = Count(count, degreeOfParallelism);
        if (chunks <= 1)
        {
            work(0, 0, count);
            return;
        }

        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = degreeOfParallelism }, c =>
            work(c, Start(count, chunks, c), Start(count, chunks, c + 1)));
    }

    /// <summary>How many chunks <see cref="For"/> makes.</summary>
    public static int Count(int count, int degreeOfParallelism) => Math.Max(1, Math.Min(degreeOfParallelism, count));

    /// <summary>First element of chunk <paramref name="chunk"/> of <paramref name="chunks"/> over 0..count.</summary>
    public static int Start(int count, int chunks, int chunk) => (int)((long)count * chunk / chunks);
}
