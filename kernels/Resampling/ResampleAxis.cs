using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// The resampling of one axis as a table: output sample o is <c>bias[o] + Σ_t weight[o][t] · input[first[o] + t]</c>,
/// with every border extension, the anti-aliasing Gaussian and the spline prefilter folded into the weights.
/// </summary>
/// <remarks>
/// <para><b>Positions.</b> Output o samples input coordinate c = o · (in/out), bioimage-py ResizedSource's convention
/// (no half-pixel centring; scipy.ndimage.affine_transform with matrix diag(in/out)).</para>
/// <para><b>Weights.</b> scipy computes, per axis, y = Gaussian(x) (anti-aliasing, optional), c = prefilter(ỹ) on the
/// mode-extended ỹ (order ≥ 2), out = Σ_j β_n(c − j) c̃[j]. Here the three linear maps are composed in double
/// precision into one weight per input sample, taps that land outside the input are mapped back with
/// <see cref="BorderIndex.Map"/> (constant-mode taps add cval·w to the bias), and zero weights at the window ends are
/// trimmed. Order 0 takes sample floor(c + 0.5) like scipy. An axis with in = out and no smoothing is the identity.
/// Building costs O(out · taps); applying is a plain FIR per output with no border branches.</para>
/// <para><b>Exactness.</b> The table depends only on the global geometry, so any block of outputs computed from an
/// input view containing <see cref="InputRange"/> is bit-identical to the whole-axis result.</para>
/// </remarks>
internal sealed class ResampleAxis
{
    private static readonly double[] Unit = [1.0];
    private readonly int[] _first;
    private readonly int[] _start; // offset of output o's weights in _weights
    private readonly double[] _weights;
    private readonly double[] _bias;

    public ResampleAxis(int inputLength, int outputLength, int order, double antiAliasingSigma, BorderMode mode, double cval)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputLength);
        ArgumentOutOfRangeException.ThrowIfNegative(outputLength);
        InputLength = inputLength;
        OutputLength = outputLength;
        IsIdentity = inputLength == outputLength && antiAliasingSigma <= GaussianKernel.MinimumSigma;
        _first = new int[outputLength];
        _start = new int[outputLength + 1];
        _bias = new double[outputLength];
        if (IsIdentity)
        {
            _weights = [];
            return;
        }

        double[] gaussian = antiAliasingSigma > GaussianKernel.MinimumSigma ? GaussianKernel.CorrelationWeights(antiAliasingSigma, 0) : [1.0];
        ReadOnlySpan<double> prefilter = order >= 2 ? BSpline.Prefilter(order) : [1.0];
        var accumulator = new double[inputLength];
        var weights = new List<double>();
        double scale = (double)inputLength / outputLength;
        for (int o = 0; o < outputLength; o++)
        {
            double c = o * scale;
            int tapStart = (order & 1) == 1 ? (int)Math.Floor(c) - (order / 2) : (int)Math.Floor(c + 0.5) - (order / 2);
            double bias = 0;
            int lo = int.MaxValue, hi = -1;
            for (int t = 0; t <= order; t++)
            {
                long j = (long)tapStart + t;
                double spline = order == 0 ? 1.0 : BSpline.Value(order, c - j);
                if (spline == 0)
                {
                    continue;
                }

                // Spline coefficient j = Σ_k h[k] ỹ[j − k]; ỹ is the mode-extended smoothed input.
                int reach = prefilter.Length / 2;
                for (int k = -reach; k <= reach; k++)
                {
                    double w = spline * prefilter[k + reach];
                    int smoothed = BorderIndex.Map(j - k, inputLength, mode);
                    if (smoothed < 0)
                    {
                        bias += w * cval;
                        continue;
                    }

                    // ỹ[s] = Σ_g gaussian[g] x̃[s − r + g]
                    int radius = gaussian.Length / 2;
                    for (int g = 0; g < gaussian.Length; g++)
                    {
                        int sample = BorderIndex.Map((long)smoothed - radius + g, inputLength, mode);
                        double wg = w * gaussian[g];
                        if (sample < 0)
                        {
                            bias += wg * cval;
                            continue;
                        }

                        accumulator[sample] += wg;
                        lo = Math.Min(lo, sample);
                        hi = Math.Max(hi, sample);
                    }
                }
            }

            while (lo <= hi && accumulator[lo] == 0)
            {
                lo++;
            }

            while (hi >= lo && accumulator[hi] == 0)
            {
                hi--;
            }

            _first[o] = lo <= hi ? lo : 0;
            _bias[o] = bias;
            for (int i = lo; i <= hi; i++)
            {
                weights.Add(accumulator[i]);
            }

            _start[o + 1] = weights.Count;
            if (lo <= hi)
            {
                Array.Clear(accumulator, lo, hi - lo + 1);
            }
            else if (hi >= 0)
            {
                Array.Clear(accumulator);
            }
        }

        _weights = [.. weights];
    }

    /// <summary>Samples along the input axis.</summary>
    public int InputLength { get; }

    /// <summary>Samples along the output axis.</summary>
    public int OutputLength { get; }

    /// <summary>True when output o is input o (same length, no smoothing): the pass is skipped.</summary>
    public bool IsIdentity { get; }

    /// <summary>First input sample output <paramref name="o"/> reads.</summary>
    public int First(int o) => IsIdentity ? o : _first[o];

    /// <summary>Weights of output <paramref name="o"/>, for input samples First(o), First(o)+1, ….</summary>
    public ReadOnlySpan<double> Weights(int o) => IsIdentity ? Unit : _weights.AsSpan(_start[o], _start[o + 1] - _start[o]);

    /// <summary>Constant added to output <paramref name="o"/> (cval times the weight of constant-border taps).</summary>
    public double Bias(int o) => IsIdentity ? 0 : _bias[o];

    /// <summary>[begin, end) of the input samples outputs [<paramref name="outputBegin"/>, <paramref name="outputEnd"/>) read.</summary>
    public (int Begin, int End) InputRange(int outputBegin, int outputEnd)
    {
        int begin = int.MaxValue, end = int.MinValue;
        for (int o = outputBegin; o < outputEnd; o++)
        {
            int count = Weights(o).Length;
            if (count > 0)
            {
                begin = Math.Min(begin, First(o));
                end = Math.Max(end, First(o) + count);
            }
        }

        return begin <= end ? (begin, end) : (0, 0);
    }

    /// <summary>The largest number of taps of any output.</summary>
    public int MaxTaps
    {
        get
        {
            int most = 1;
            for (int o = 0; o < OutputLength; o++)
            {
                most = Math.Max(most, Weights(o).Length);
            }

            return most;
        }
    }

    /// <summary>Weights of output <paramref name="o"/> converted to <typeparamref name="T"/>.</summary>
    public void Weights<T>(int o, Span<T> destination)
        where T : INumberBase<T>
    {
        var weights = Weights(o);
        for (int t = 0; t < weights.Length; t++)
        {
            destination[t] = T.CreateTruncating(weights[t]);
        }
    }
}
