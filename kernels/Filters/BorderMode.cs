namespace BioImage.Kernels;

/// <summary>
/// How a filter or resampler extends its input beyond the edges, named as scipy.ndimage names the modes.
/// Pictures show a row <c>a b c d</c> and what a kernel sees to its left and right (k = the constant value):
/// <code>
///   Reflect   d c b a | a b c d | d c b a     (edge sample repeated; period 2n)
///   Mirror      d c b | a b c d | c b a       (edge sample not repeated; period 2n − 2)
///   Nearest   a a a a | a b c d | d d d d
///   Constant  k k k k | a b c d | k k k k
///   Wrap      a b c d | a b c d | a b c d     (period n)
/// </code>
/// Extensions wider than the row continue the same periodic pattern, as scipy.ndimage does; a row of one
/// sample extends to that sample in every mode but <see cref="Constant"/>. ImageSharp calls Reflect
/// "Mirror" and Mirror "Bounce"; scikit-image calls Reflect "symmetric", Mirror "reflect" and Nearest "edge".
/// </summary>
public enum BorderMode
{
    /// <summary>scipy "reflect" (= "grid-mirror"): <c>d c b a | a b c d | d c b a</c>.</summary>
    Reflect,

    /// <summary>scipy "mirror": <c>d c b | a b c d | c b a</c>.</summary>
    Mirror,

    /// <summary>scipy "nearest": <c>a a a | a b c d | d d d</c>.</summary>
    Nearest,

    /// <summary>scipy "constant" for filters, "grid-constant" for resampling: <c>k k k | a b c d | k k k</c>.</summary>
    Constant,

    /// <summary>scipy "wrap" for filters, "grid-wrap" for resampling: <c>a b c d | a b c d | a b c d</c>.</summary>
    Wrap,
}

/// <summary>Maps coordinates outside <c>[0, n)</c> back inside according to a <see cref="BorderMode"/>.</summary>
public static class BorderIndex
{
    /// <summary>
    /// The sample that position <paramref name="index"/> of a row of <paramref name="length"/> samples reads, or
    /// −1 when it reads the constant (<see cref="BorderMode.Constant"/> outside the row).
    /// </summary>
    public static int Map(long index, int length, BorderMode mode)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if ((ulong)index < (ulong)length)
        {
            return (int)index;
        }

        switch (mode)
        {
            case BorderMode.Reflect:
            {
                long period = 2L * length;
                long m = Modulo(index, period);
                return (int)(m < length ? m : period - 1 - m);
            }

            case BorderMode.Mirror:
            {
                if (length == 1)
                {
                    return 0;
                }

                long period = (2L * length) - 2;
                long m = Modulo(index, period);
                return (int)(m < length ? m : period - m);
            }

            case BorderMode.Nearest:
                return index < 0 ? 0 : length - 1;
            case BorderMode.Constant:
                return -1;
            case BorderMode.Wrap:
                return (int)Modulo(index, length);
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown border mode.");
        }
    }

    /// <summary>Parses a scipy.ndimage mode name ("reflect", "grid-mirror", "mirror", "nearest", "constant", "grid-constant", "wrap", "grid-wrap").</summary>
    public static BorderMode Parse(string name) => name switch
    {
        "reflect" or "grid-mirror" => BorderMode.Reflect,
        "mirror" => BorderMode.Mirror,
        "nearest" => BorderMode.Nearest,
        "constant" or "grid-constant" => BorderMode.Constant,
        "wrap" or "grid-wrap" => BorderMode.Wrap,
        _ => throw new ArgumentException($"Unknown border mode '{name}'; expected reflect, mirror, nearest, constant or wrap.", nameof(name)),
    };

    /// <summary>
    /// [lo, hi): the smallest range of real indices that contains [<paramref name="ownBegin"/>, <paramref name="ownEnd"/>)
    /// and every index the positions [<paramref name="begin"/>, <paramref name="end"/>) read — what a pass must have
    /// computed before a kernel of that reach runs.
    /// </summary>
    internal static (int Lo, int Hi) Reach(long begin, long end, int length, BorderMode mode, int ownBegin, int ownEnd)
    {
        int lo = ownBegin, hi = ownEnd;
        for (long v = begin; v < end; v++)
        {
            int m = Map(v, length, mode);
            if (m >= 0)
            {
                lo = Math.Min(lo, m);
                hi = Math.Max(hi, m + 1);
            }
        }

        return (lo, hi);
    }

    private static long Modulo(long value, long period)
    {
        long m = value % period;
        return m < 0 ? m + period : m;
    }
}
