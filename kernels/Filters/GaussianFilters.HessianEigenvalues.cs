using System.Numerics;

namespace BioImage.Kernels;

public static partial class GaussianFilters
{
    /// <summary>
    /// Eigenvalues of the Hessian of Gaussian (matrix of second Gaussian derivatives ∂²G_σ/∂a∂b * input), largest
    /// first like vigra: scipy.ndimage.gaussian_filter with the mixed orders + numpy.linalg.eigvalsh, reversed.
    /// </summary>
    /// <param name="input">Input volume.</param>
    /// <param name="eigenvalues">One output per eigenvalue (rank of them), largest first; an empty view skips that channel.</param>
    /// <param name="options">σ, rank, border mode.</param>
    /// <param name="origin">Input position of the first output voxel.</param>
    /// <param name="degreeOfParallelism">Threads that split the output.</param>
    public static void HessianOfGaussianEigenvalues<T>(ReadOnlyMemory3D<T> input, ReadOnlySpan<Memory3D<T>> eigenvalues, in FilterOptions options, Index3 origin = default, int degreeOfParallelism = 1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var channels = CheckChannels(eigenvalues, options.Rank, nameof(eigenvalues), out var shape);
        DerivativeOrders[] terms = options.Rank == 3
            ? [new(2, 0, 0), new(1, 1, 0), new(1, 0, 1), new(0, 2, 0), new(0, 1, 1), new(0, 0, 2)]
            : [new(0, 2, 0), new(0, 1, 1), new(0, 0, 2)];
        var bank = new SeparableFilterBank<T>(options, terms);
        bank.Run(input, origin, shape, new EigenvalueRows<T>(channels), degreeOfParallelism);
    }

    /// <summary>The halo of <see cref="HessianOfGaussianEigenvalues{T}"/>: the kernel radius per axis.</summary>
    public static Index3 HessianHalo(in FilterOptions options) => options.Radius;

    /// <summary>Copies the channel views after checking there is one per axis of the rank, all of one shape.</summary>
    private static Memory3D<T>[] CheckChannels<T>(ReadOnlySpan<Memory3D<T>> channels, int rank, string name, out Index3 shape)
    {
        if (channels.Length != rank)
        {
            throw new ArgumentException($"Expected {rank} eigenvalue outputs (one per axis of a rank-{rank} filter), got {channels.Length}.", name);
        }

        shape = default;
        bool any = false;
        foreach (var channel in channels)
        {
            if (channel.IsEmpty)
            {
                continue;
            }

            var own = Shape(channel);
            if (any && own != shape)
            {
                throw new ArgumentException($"Eigenvalue outputs differ in shape: {shape} and {own}.", name);
            }

            shape = own;
            any = true;
        }

        return any ? channels.ToArray() : throw new ArgumentException("At least one eigenvalue output must be non-empty.", name);
    }

    /// <summary>
    /// Terms are the upper triangle of a symmetric matrix in row order (a00, a01[, a02], a11[, a12], a22); writes its
    /// eigenvalues, largest first, into the non-empty channels. Works on <see cref="Vector{T}"/>-sized chunks widened
    /// to double; the row's tail is padded into one more chunk, so every voxel goes through the same arithmetic.
    /// </summary>
    private readonly struct EigenvalueRows<T>(Memory3D<T>[] channels) : IRowCombiner<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Combine(ReadOnlySpan<T> terms, int width, int z, int y)
        {
            int rank = channels.Length, entries = rank * (rank + 1) / 2, lanes = Vector<T>.Count;
            Span<Vector<T>> matrix = stackalloc Vector<T>[6];
            Span<Vector<T>> values = stackalloc Vector<T>[3];
            Span<T> pad = stackalloc T[Vector<T>.Count];
            var first = Row(0, z, y);
            var second = Row(1, z, y);
            var third = Row(2, z, y);
            for (int start = 0; start < width; start += lanes)
            {
                int count = Math.Min(lanes, width - start);
                for (int e = 0; e < entries; e++)
                {
                    var entry = terms.Slice((e * width) + start, count);
                    if (count < lanes)
                    {
                        pad.Clear();
                        entry.CopyTo(pad);
                        matrix[e] = new Vector<T>(pad);
                    }
                    else
                    {
                        matrix[e] = new Vector<T>(entry);
                    }
                }

                if (rank == 2)
                {
                    Solve2x2(matrix, values);
                }
                else
                {
                    Solve3x3(matrix, values);
                }

                Store(first, start, count, values[0]);
                Store(second, start, count, values[1]);
                Store(third, start, count, values[2]);
            }
        }

        private static void Solve2x2(ReadOnlySpan<Vector<T>> m, Span<Vector<T>> values)
        {
            if (typeof(T) == typeof(float))
            {
                var (a0, a1) = Widen(m[0]);
                var (b0, b1) = Widen(m[1]);
                var (c0, c1) = Widen(m[2]);
                var (l0, s0) = SymmetricEigenvalues.Of2x2(a0, b0, c0);
                var (l1, s1) = SymmetricEigenvalues.Of2x2(a1, b1, c1);
                values[0] = Vector.Narrow(l0, l1).As<float, T>();
                values[1] = Vector.Narrow(s0, s1).As<float, T>();
                return;
            }

            var (large, small) = SymmetricEigenvalues.Of2x2(m[0].As<T, double>(), m[1].As<T, double>(), m[2].As<T, double>());
            values[0] = large.As<double, T>();
            values[1] = small.As<double, T>();
        }

        private static void Solve3x3(ReadOnlySpan<Vector<T>> m, Span<Vector<T>> values)
        {
            if (typeof(T) == typeof(float))
            {
                var (a0, a1) = Widen(m[0]);
                var (b0, b1) = Widen(m[1]);
                var (c0, c1) = Widen(m[2]);
                var (d0, d1) = Widen(m[3]);
                var (e0, e1) = Widen(m[4]);
                var (f0, f1) = Widen(m[5]);
                var (l0, m0, s0) = SymmetricEigenvalues.Of3x3(a0, b0, c0, d0, e0, f0);
                var (l1, m1, s1) = SymmetricEigenvalues.Of3x3(a1, b1, c1, d1, e1, f1);
                values[0] = Vector.Narrow(l0, l1).As<float, T>();
                values[1] = Vector.Narrow(m0, m1).As<float, T>();
                values[2] = Vector.Narrow(s0, s1).As<float, T>();
                return;
            }

            var (large, middle, small) = SymmetricEigenvalues.Of3x3(m[0].As<T, double>(), m[1].As<T, double>(), m[2].As<T, double>(), m[3].As<T, double>(), m[4].As<T, double>(), m[5].As<T, double>());
            values[0] = large.As<double, T>();
            values[1] = middle.As<double, T>();
            values[2] = small.As<double, T>();
        }

        private static (Vector<double> Low, Vector<double> High) Widen(Vector<T> value)
        {
            Vector.Widen(value.As<T, float>(), out var low, out var high);
            return (low, high);
        }

        /// <summary>Row (z, y) of channel k, or empty when the channel is skipped or does not exist.</summary>
        private Span<T> Row(int k, int z, int y) => k < channels.Length && !channels[k].IsEmpty ? channels[k].Span.GetRowSpan(z, y) : default;

        private static void Store(Span<T> row, int start, int count, Vector<T> values)
        {
            if (row.IsEmpty)
            {
                return;
            }

            if (count == Vector<T>.Count)
            {
                values.CopyTo(row[start..]);
                return;
            }

            for (int i = 0; i < count; i++)
            {
                row[start + i] = values[i];
            }
        }
    }
}
