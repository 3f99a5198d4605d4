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
    /// eigenvalues, largest first, into the non-empty channels.
    /// </summary>
    private readonly struct EigenvalueRows<T>(Memory3D<T>[] channels) : IRowCombiner<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Combine(ReadOnlySpan<T> terms, int width, int z, int y)
        {
            var first = channels[0].IsEmpty ? default : channels[0].Span.GetRowSpan(z, y);
            var second = channels[1].IsEmpty ? default : channels[1].Span.GetRowSpan(z, y);
            if (channels.Length == 2)
            {
                for (int i = 0; i < width; i++)
                {
                    var (large, small) = SymmetricEigenvalues.Of2x2(double.CreateTruncating(terms[i]), double.CreateTruncating(terms[width + i]), double.CreateTruncating(terms[(2 * width) + i]));
                    Store(first, i, large);
                    Store(second, i, small);
                }

                return;
            }

            var third = channels[2].IsEmpty ? default : channels[2].Span.GetRowSpan(z, y);
            for (int i = 0; i < width; i++)
            {
                var (large, middle, small) = SymmetricEigenvalues.Of3x3(
                    double.CreateTruncating(terms[i]),
                    double.CreateTruncating(terms[width + i]),
                    double.CreateTruncating(terms[(2 * width) + i]),
                    double.CreateTruncating(terms[(3 * width) + i]),
                    double.CreateTruncating(terms[(4 * width) + i]),
                    double.CreateTruncating(terms[(5 * width) + i]));
                Store(first, i, large);
                Store(second, i, middle);
                Store(third, i, small);
            }
        }

        private static void Store(Span<T> row, int i, double value)
        {
            if (!row.IsEmpty)
            {
                row[i] = T.CreateTruncating(value);
            }
        }
    }
}
