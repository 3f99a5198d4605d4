using System.Numerics;
using System.Runtime.CompilerServices;

namespace BioImage.Kernels;

/// <summary>
/// The sufficient statistics of bioimage-py's <c>dice_score(seg, gt, threshold_seg, threshold_gt)</c> over a set of
/// voxels: Σab, Σa and Σb, where a is the segmentation binarised with <c>a &gt; threshold</c> (1 or 0) or, without a
/// threshold, its raw value as float64 (soft dice), and b likewise for the ground truth. Sums of disjoint voxel sets
/// add (<see cref="Merge"/>); the dice coefficient (Dice, Ecology 26:297, 1945) is 2Σab / (Σa + Σb + 1e-7).
/// </summary>
/// <remarks>
/// <para>Binarising follows numpy 1.24 with a Python scalar: integer data compare exactly (<c>x &gt; t</c>), and
/// so do float data against an integral threshold; float32 data against a fractional threshold compare in float32
/// (the threshold rounded to float32, as numpy's value-based casting does: <c>float32(0.1) &gt; 0.1</c> is false).
/// NaN is never foreground. Raw values are converted to float64 as numpy's <c>astype("float64")</c>.</para>
/// <para>Voxels are converted to float64 weights (0/1 flags without a branch, or raw values) in chunks of
/// <see cref="ChunkLength"/>; each chunk is reduced in <see cref="Vector{T}"/> lanes (SIMD) and the chunk sums are
/// added with Neumaier's compensated summation, so the result is within a few ulps of the exact sum of the float64
/// terms (numpy's pairwise sum is within O(log n) ulps); counts of binarised voxels are exact below 2^53. O(n) time,
/// no allocation (two stack chunks).</para>
/// </remarks>
/// <param name="Both">Σ a·b.</param>
/// <param name="Seg">Σ a.</param>
/// <param name="Gt">Σ b.</param>
public readonly record struct DiceSums(double Both, double Seg, double Gt)
{
    /// <summary>Voxels converted and reduced per chunk (4 KiB of doubles per side on the stack).</summary>
    public const int ChunkLength = 512;

    /// <summary>No voxels: the identity of <see cref="Merge"/>.</summary>
    public static DiceSums Empty { get; } = new(0, 0, 0);

    /// <summary>2Σab / (Σa + Σb + 1e-7): 0 when there is no foreground (or no voxel).</summary>
    public double Score => 2.0 * Both / (Seg + Gt + DiceScore.Epsilon);

    /// <summary>The sums of both voxel sets.</summary>
    public DiceSums Merge(DiceSums other) => new(Both + other.Both, Seg + other.Seg, Gt + other.Gt);

    /// <summary>The sums over the voxel pairs (<paramref name="seg"/>[i], <paramref name="gt"/>[i]).</summary>
    /// <param name="seg">The segmentation's values.</param>
    /// <param name="gt">The ground truth's values (same length).</param>
    /// <param name="segThreshold">Foreground is <c>value &gt; segThreshold</c>; null uses the raw values.</param>
    /// <param name="gtThreshold">The same for the ground truth.</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static DiceSums Of<TSeg, TGt>(ReadOnlySpan<TSeg> seg, ReadOnlySpan<TGt> gt, double? segThreshold, double? gtThreshold)
        where TSeg : unmanaged, INumber<TSeg>
        where TGt : unmanaged, INumber<TGt>
    {
        if (seg.Length != gt.Length)
        {
            throw new ArgumentException($"The segmentation and the ground truth need as many values; got {seg.Length} and {gt.Length}.", nameof(gt));
        }

        var segWeights = Binarizer<TSeg>.For(segThreshold);
        var gtWeights = Binarizer<TGt>.For(gtThreshold);
        Span<double> a = stackalloc double[ChunkLength];
        Span<double> b = stackalloc double[ChunkLength];
        CompensatedSum both = default, sumA = default, sumB = default;
        for (int start = 0; start < seg.Length; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, seg.Length - start);
            var chunkA = a[..length];
            var chunkB = b[..length];
            segWeights.Convert(seg.Slice(start, length), chunkA);
            gtWeights.Convert(gt.Slice(start, length), chunkB);
            var (chunkBoth, chunkSumA, chunkSumB) = Reduce(chunkA, chunkB);
            both.Add(chunkBoth);
            sumA.Add(chunkSumA);
            sumB.Add(chunkSumB);
        }

        return new DiceSums(both.Value, sumA.Value, sumB.Value);
    }

    /// <summary>(Σab, Σa, Σb) of one chunk in <see cref="Vector{T}"/> lanes (scalar tail), compiled optimized from the first call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Both, double A, double B) Reduce(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Vector<double> both = Vector<double>.Zero, sumA = Vector<double>.Zero, sumB = Vector<double>.Zero;
        int i = 0;
        for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count)
        {
            var x = new Vector<double>(a[i..]);
            var y = new Vector<double>(b[i..]);
            both += x * y;
            sumA += x;
            sumB += y;
        }

        double scalarBoth = Vector.Sum(both), scalarA = Vector.Sum(sumA), scalarB = Vector.Sum(sumB);
        for (; i < a.Length; i++)
        {
            scalarBoth += a[i] * b[i];
            scalarA += a[i];
            scalarB += b[i];
        }

        return (scalarBoth, scalarA, scalarB);
    }

    /// <summary>Neumaier's compensated sum (Neumaier, ZAMM 54:39, 1974).</summary>
    private struct CompensatedSum
    {
        private double _sum;
        private double _compensation;

        public readonly double Value => _sum + _compensation;

        public void Add(double value)
        {
            double total = _sum + value;
            _compensation += Math.Abs(_sum) >= Math.Abs(value) ? (_sum - total) + value : (value - total) + _sum;
            _sum = total;
        }
    }

    /// <summary>Turns values of type <typeparamref name="T"/> into float64 weights: 1/0 against a threshold, else the raw value.</summary>
    private readonly struct Binarizer<T>
        where T : unmanaged, INumber<T>
    {
        private readonly Mode _mode;
        private readonly T _cut;
        private readonly double _threshold;

        private Binarizer(Mode mode, T cut, double threshold)
        {
            _mode = mode;
            _cut = cut;
            _threshold = threshold;
        }

        private enum Mode
        {
            Raw,
            None,
            All,
            GreaterInT,
            GreaterInDouble,
        }

        public static Binarizer<T> For(double? threshold)
        {
            if (threshold is not { } t)
            {
                return new(Mode.Raw, T.Zero, 0);
            }

            if (double.IsNaN(t))
            {
                return new(Mode.None, T.Zero, t);
            }

            if (typeof(T) == typeof(double))
            {
                return new(Mode.GreaterInDouble, T.Zero, t);
            }

            if (typeof(T) == typeof(float))
            {
                // numpy: a Python int compares exactly (in float64 beyond int16); a Python float in float32 when it fits.
                bool inFloat32 = t != Math.Floor(t) && Math.Abs(t) <= float.MaxValue;
                return inFloat32 ? new(Mode.GreaterInT, T.CreateTruncating((float)t), t) : new(Mode.GreaterInDouble, T.Zero, t);
            }

            // Integers (and bool as 0/1): x > t ⟺ x > ⌊t⌋, exactly, whatever the threshold's form.
            double floor = Math.Floor(t);
            T min = T.CreateSaturating(double.NegativeInfinity), max = T.CreateSaturating(double.PositiveInfinity);
            return floor < double.CreateTruncating(min) ? new(Mode.All, T.Zero, t)
                : floor >= double.CreateTruncating(max) ? new(Mode.None, T.Zero, t)
                : new(Mode.GreaterInT, T.CreateSaturating(floor), t);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Convert(ReadOnlySpan<T> values, Span<double> weights)
        {
            var (cut, threshold) = (_cut, _threshold);
            switch (_mode)
            {
                case Mode.Raw:
                    for (int i = 0; i < values.Length; i++)
                    {
                        weights[i] = double.CreateTruncating(values[i]);
                    }

                    break;
                case Mode.None:
                    weights.Clear();
                    break;
                case Mode.All:
                    weights.Fill(1);
                    break;
                case Mode.GreaterInT:
                    for (int i = 0; i < values.Length; i++)
                    {
                        weights[i] = Flag(values[i] > cut);
                    }

                    break;
                default:
                    for (int i = 0; i < values.Length; i++)
                    {
                        weights[i] = Flag(double.CreateTruncating(values[i]) > threshold);
                    }

                    break;
            }
        }

        /// <summary>1 or 0 without a branch (random probability maps would mispredict every other voxel).</summary>
        private static byte Flag(bool condition) => Unsafe.BitCast<bool, byte>(condition);
    }
}
