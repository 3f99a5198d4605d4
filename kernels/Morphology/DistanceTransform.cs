using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace BioImage.Kernels;

/// <summary>
/// Exact Euclidean distance transform: for every foreground (nonzero) voxel the distance to the nearest background
/// (zero) voxel, background voxels get 0, optionally with the coordinates of that nearest background voxel —
/// <c>scipy.ndimage.distance_transform_edt(input, sampling, return_indices=...)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Algorithm: Felzenszwalb and Huttenlocher, "Distance Transforms of Sampled Functions", Theory of Computing 8(19),
/// 2012. The squared distance is separable: a first pass along x gives each voxel the squared distance to the
/// nearest background voxel in its row (read off the foreground runs, <see cref="ForegroundRuns"/>); each further
/// axis k replaces f by <c>min_q s_k²(p−q)² + f(q)</c> along every line, computed in linear time as the lower
/// envelope of the parabolas rooted at each q. Lines without any finite f stay infinite; inside a stretch of
/// background only its two ends enter the envelope. O(voxels · axes) time; the y and z passes copy 16 neighbouring
/// lines at a time into a small tile (whole cache lines per image row) so strided axes never thrash the cache.
/// Squared distances are computed in float64; with unit sampling they are exact integers.
/// </para>
/// <para>
/// Nearest-feature indices follow the winning parabola of each pass (a linear index per voxel, split into
/// coordinates at the end). Among equidistant background voxels the choice is deterministic but may differ from
/// scipy's. As in scipy, an input without any background voxel gives every voxel the virtual feature (-1, 0, 0)
/// and the matching distance.
/// </para>
/// </remarks>
public static class DistanceTransform
{
    /// <summary>Lines copied per tile in the y and z passes: 16 doubles are two whole cache lines per image row.</summary>
    private const int TileLines = 16;

    /// <summary>Distance of every true voxel to the nearest false voxel (0 on false voxels).</summary>
    /// <param name="input">The binary image.</param>
    /// <param name="distances">Output, same shape: float64 or float32 distances.</param>
    /// <param name="sampling">Voxel spacing (z, y, x); empty for 1. Each value must be positive and finite.</param>
    /// <param name="degreeOfParallelism">Threads to use (≥ 1); the result does not depend on it.</param>
    public static void Euclidean<TDistance>(ReadOnlySpan3D<bool> input, Span3D<TDistance> distances, ReadOnlySpan<double> sampling = default, int degreeOfParallelism = 1)
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance> =>
        Euclidean(ViewCasts.AsBytes(input), distances, default, default, default, sampling, degreeOfParallelism);

    /// <summary>Distances (optional, empty to skip) and the z, y and x coordinates of the nearest false voxel.</summary>
    /// <inheritdoc cref="Euclidean{T, TDistance}(ReadOnlySpan3D{T}, Span3D{TDistance}, Span3D{int}, Span3D{int}, Span3D{int}, ReadOnlySpan{double}, int)"/>
    public static void Euclidean<TDistance>(ReadOnlySpan3D<bool> input, Span3D<TDistance> distances, Span3D<int> indicesZ, Span3D<int> indicesY, Span3D<int> indicesX, ReadOnlySpan<double> sampling = default, int degreeOfParallelism = 1)
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance> =>
        Euclidean(ViewCasts.AsBytes(input), distances, indicesZ, indicesY, indicesX, sampling, degreeOfParallelism);

    /// <summary>Distance of every nonzero voxel to the nearest zero voxel (0 on zero voxels).</summary>
    /// <inheritdoc cref="Euclidean{TDistance}(ReadOnlySpan3D{bool}, Span3D{TDistance}, ReadOnlySpan{double}, int)"/>
    public static void Euclidean<T, TDistance>(ReadOnlySpan3D<T> input, Span3D<TDistance> distances, ReadOnlySpan<double> sampling = default, int degreeOfParallelism = 1)
        where T : unmanaged, INumber<T>
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance> =>
        Euclidean(input, distances, default, default, default, sampling, degreeOfParallelism);

    /// <summary>
    /// Distances (optional: pass an empty view to skip them) and, per voxel, the z, y and x coordinates of the
    /// nearest zero voxel (scipy's <c>return_indices</c>, one int32 view per axis).
    /// </summary>
    /// <inheritdoc cref="Euclidean{TDistance}(ReadOnlySpan3D{bool}, Span3D{TDistance}, ReadOnlySpan{double}, int)"/>
    public static void Euclidean<T, TDistance>(ReadOnlySpan3D<T> input, Span3D<TDistance> distances, Span3D<int> indicesZ, Span3D<int> indicesY, Span3D<int> indicesX, ReadOnlySpan<double> sampling = default, int degreeOfParallelism = 1)
        where T : unmanaged, INumber<T>
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance>
    {
        var layout = input.Layout;
        bool wantIndices = !indicesX.IsEmpty || !indicesY.IsEmpty || !indicesZ.IsEmpty;
        if (wantIndices || !distances.IsEmpty || input.IsEmpty)
        {
            layout.CheckSameShape(distances.Layout, nameof(distances));
        }

        if (wantIndices)
        {
            layout.CheckSameShape(indicesZ.Layout, nameof(indicesZ));
            layout.CheckSameShape(indicesY.Layout, nameof(indicesY));
            layout.CheckSameShape(indicesX.Layout, nameof(indicesX));
        }

        Transform(input, distances, indicesZ, indicesY, indicesX, SquaredSampling(sampling, 3), planar: false, degreeOfParallelism);
    }

    /// <summary>2D: distance of every true pixel to the nearest false pixel; sampling is (y, x).</summary>
    /// <inheritdoc cref="Euclidean{TDistance}(ReadOnlySpan3D{bool}, Span3D{TDistance}, ReadOnlySpan{double}, int)"/>
    public static void Euclidean<TDistance>(ReadOnlySpan2D<bool> input, Span2D<TDistance> distances, ReadOnlySpan<double> sampling = default, int degreeOfParallelism = 1)
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance> =>
        Euclidean(ViewCasts.AsBytes(input.AsSpan3D()).GetPlane(0), distances, default, default, sampling, degreeOfParallelism);

    /// <summary>2D: distances (optional, empty to skip) and the y and x coordinates of the nearest false pixel; sampling is (y, x).</summary>
    /// <inheritdoc cref="Euclidean{TDistance}(ReadOnlySpan3D{bool}, Span3D{TDistance}, ReadOnlySpan{double}, int)"/>
    public static void Euclidean<TDistance>(ReadOnlySpan2D<bool> input, Span2D<TDistance> distances, Span2D<int> indicesY, Span2D<int> indicesX, ReadOnlySpan<double> sampling = default, int degreeOfParallelism = 1)
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance> =>
        Euclidean(ViewCasts.AsBytes(input.AsSpan3D()).GetPlane(0), distances, indicesY, indicesX, sampling, degreeOfParallelism);

    /// <summary>2D: distances (optional, empty to skip) and the y and x coordinates of the nearest zero pixel; sampling is (y, x).</summary>
    /// <inheritdoc cref="Euclidean{TDistance}(ReadOnlySpan3D{bool}, Span3D{TDistance}, ReadOnlySpan{double}, int)"/>
    public static void Euclidean<T, TDistance>(ReadOnlySpan2D<T> input, Span2D<TDistance> distances, Span2D<int> indicesY, Span2D<int> indicesX, ReadOnlySpan<double> sampling = default, int degreeOfParallelism = 1)
        where T : unmanaged, INumber<T>
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance>
    {
        var layout = input.AsSpan3D().Layout;
        bool wantIndices = !indicesX.AsSpan3D().IsEmpty || !indicesY.AsSpan3D().IsEmpty;
        if (wantIndices || !distances.AsSpan3D().IsEmpty || layout.Count == 0)
        {
            layout.CheckSameShape(distances.AsSpan3D().Layout, nameof(distances));
        }

        if (wantIndices)
        {
            layout.CheckSameShape(indicesY.AsSpan3D().Layout, nameof(indicesY));
            layout.CheckSameShape(indicesX.AsSpan3D().Layout, nameof(indicesX));
        }

        var weights = SquaredSampling(sampling, 2);
        Transform(input.AsSpan3D(), distances.AsSpan3D(), default, indicesY.AsSpan3D(), indicesX.AsSpan3D(), [1.0, weights[0], weights[1]], planar: true, degreeOfParallelism);
    }

    private static double[] SquaredSampling(ReadOnlySpan<double> sampling, int rank)
    {
        if (sampling.IsEmpty)
        {
            return [.. Enumerable.Repeat(1.0, rank)];
        }

        if (sampling.Length != rank)
        {
            throw new ArgumentException($"sampling has {sampling.Length} values; a {rank}D image needs {rank} ({(rank == 3 ? "z, y, x" : "y, x")}).", nameof(sampling));
        }

        var weights = new double[rank];
        for (int axis = 0; axis < rank; axis++)
        {
            double spacing = sampling[axis];
            weights[axis] = spacing > 0 && double.IsFinite(spacing)
                ? spacing * spacing
                : throw new ArgumentOutOfRangeException(nameof(sampling), spacing, $"Spacing of axis {axis} must be positive and finite.");
        }

        return weights;
    }

    /// <summary>
    /// The transform over a 3D view; indices are wanted when <paramref name="indicesX"/> is not empty, distances when
    /// <paramref name="distances"/> is not empty. <paramref name="weights"/> are the squared spacings (z, y, x).
    /// <paramref name="planar"/> marks a 2D image seen as one plane: its virtual feature without background is
    /// (-1, 0) in (y, x), and <paramref name="indicesZ"/> is not written.
    /// </summary>
    private static unsafe void Transform<T, TDistance>(ReadOnlySpan3D<T> input, Span3D<TDistance> distances, Span3D<int> indicesZ, Span3D<int> indicesY, Span3D<int> indicesX, double[] weights, bool planar, int degreeOfParallelism)
        where T : unmanaged, INumber<T>
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreeOfParallelism, 1);
        if (input.IsEmpty)
        {
            return;
        }

        bool wantIndices = !indicesX.IsEmpty;

        // float64 distances are computed in the output itself (squared, then rooted in place); otherwise in scratch.
        bool inPlace = typeof(TDistance) == typeof(double) && !distances.IsEmpty;
        var layout = ViewLayout.Contiguous(input.Depth, input.Height, input.Width);
        int count = checked(input.Depth * input.Height * input.Width);
        double[] scratch = inPlace ? [] : ArrayPool<double>.Shared.Rent(count);
        int[] features = wantIndices ? ArrayPool<int>.Shared.Rent(count) : [];
        try
        {
            fixed (T* inputOrigin = &Unsafe.AsRef(in input.DangerousGetReferenceAt(0, 0, 0)))
            fixed (TDistance* distanceOrigin = &(inPlace ? ref distances.DangerousGetReferenceAt(0, 0, 0) : ref Unsafe.NullRef<TDistance>()))
            fixed (double* scratchOrigin = scratch)
            fixed (int* featureOrigin = features)
            {
                var squared = inPlace ? new PinnedView<double>((double*)distanceOrigin, distances.Layout) : new PinnedView<double>(scratchOrigin, layout);
                var job = new Job<T>(
                    new PinnedView<T>(inputOrigin, input.Layout),
                    squared,
                    wantIndices ? new PinnedView<int>(featureOrigin, layout) : default,
                    weights,
                    wantIndices);
                if (!job.Run(degreeOfParallelism))
                {
                    job.FillWithoutBackground(planar);
                }

                if (!distances.IsEmpty)
                {
                    WriteDistances(squared, distances);
                }
            }

            if (wantIndices)
            {
                WriteIndices(features.AsSpan(0, count), input.Height, input.Width, indicesZ, indicesY, indicesX, planar);
            }
        }
        finally
        {
            if (scratch.Length > 0)
            {
                ArrayPool<double>.Shared.Return(scratch);
            }

            if (features.Length > 0)
            {
                ArrayPool<int>.Shared.Return(features);
            }
        }
    }

    /// <summary>Square roots of <paramref name="squared"/> into <paramref name="distances"/> (which may be the same memory).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteDistances<TDistance>(PinnedView<double> squared, Span3D<TDistance> distances)
        where TDistance : unmanaged, IBinaryFloatingPointIeee754<TDistance>
    {
        for (int z = 0; z < distances.Depth; z++)
        {
            for (int y = 0; y < distances.Height; y++)
            {
                var row = distances.GetRowSpan(z, y);
                var source = squared.GetRowSpan(z, y);
                if (typeof(TDistance) == typeof(double))
                {
                    TensorSqrt(source, MemoryMarshal.Cast<TDistance, double>(row));
                }
                else
                {
                    for (int x = 0; x < row.Length; x++)
                    {
                        row[x] = TDistance.CreateTruncating(Math.Sqrt(source[x]));
                    }
                }
            }
        }
    }

    private static void TensorSqrt(ReadOnlySpan<double> source, Span<double> destination)
    {
        int x = 0;
        if (Simd<double>.IsAccelerated)
        {
            ref double from = ref MemoryMarshal.GetReference(source);
            ref double to = ref MemoryMarshal.GetReference(destination);
            for (; x <= source.Length - Vector<double>.Count; x += Vector<double>.Count)
            {
                Vector.SquareRoot(Vector.LoadUnsafe(ref from, (nuint)x)).StoreUnsafe(ref to, (nuint)x);
            }
        }

        for (; x < source.Length; x++)
        {
            destination[x] = Math.Sqrt(source[x]);
        }
    }

    private static void WriteIndices(ReadOnlySpan<int> features, int height, int width, Span3D<int> indicesZ, Span3D<int> indicesY, Span3D<int> indicesX, bool planar)
    {
        int plane = height * width;
        int i = 0;
        for (int z = 0; z < indicesX.Depth; z++)
        {
            for (int y = 0; y < height; y++)
            {
                var rowZ = planar ? default : indicesZ.GetRowSpan(z, y);
                var rowY = indicesY.GetRowSpan(z, y);
                var rowX = indicesX.GetRowSpan(z, y);
                for (int x = 0; x < width; x++, i++)
                {
                    int feature = features[i];
                    if (feature < 0)
                    {
                        // No background anywhere: scipy's virtual feature (-1, 0, 0), or (-1, 0) in 2D.
                        if (!planar)
                        {
                            rowZ[x] = -1;
                        }

                        rowY[x] = planar ? -1 : 0;
                        rowX[x] = 0;
                        continue;
                    }

                    int featureZ = feature / plane;
                    int rest = feature - (featureZ * plane);
                    int featureY = rest / width;
                    if (!planar)
                    {
                        rowZ[x] = featureZ;
                    }

                    rowY[x] = featureY;
                    rowX[x] = rest - (featureY * width);
                }
            }
        }
    }

    /// <summary>The three passes over pinned buffers: squared distances and (optionally) feature linear indices.</summary>
    private readonly struct Job<T>(PinnedView<T> input, PinnedView<double> squared, PinnedView<int> features, double[] weights, bool trackFeatures)
        where T : unmanaged, INumber<T>
    {
        private int Depth => squared.Layout.Depth;

        private int Height => squared.Layout.Height;

        private int Width => squared.Layout.Width;

        /// <summary>Runs the passes; returns false when the input has no background voxel at all.</summary>
        public bool Run(int degreeOfParallelism)
        {
            var self = this;
            int rows = Depth * Height;
            int rowsWithBackground = 0;
            ParallelChunks.For(rows, degreeOfParallelism, (_, first, end) =>
            {
                int found = self.RowPass(first, end);
                Interlocked.Add(ref rowsWithBackground, found);
            });
            if (rowsWithBackground == 0)
            {
                return false;
            }

            if (Height > 1)
            {
                ParallelChunks.For(Depth, degreeOfParallelism, (_, first, end) => self.LinePass(first, end, axis: 1));
            }

            if (Depth > 1)
            {
                ParallelChunks.For(Height, degreeOfParallelism, (_, first, end) => self.LinePass(first, end, axis: 0));
            }

            return true;
        }

        /// <summary>scipy's result without background: the nearest "feature" is the virtual voxel (-1, 0, 0), in 2D (-1, 0).</summary>
        public void FillWithoutBackground(bool planar)
        {
            for (int z = 0; z < Depth; z++)
            {
                for (int y = 0; y < Height; y++)
                {
                    var row = squared.GetRowSpan(z, y);
                    var featureRow = trackFeatures ? features.GetRowSpan(z, y) : default;
                    double zy = planar
                        ? weights[1] * (y + 1.0) * (y + 1.0)
                        : (weights[0] * (z + 1.0) * (z + 1.0)) + (weights[1] * (double)y * y);
                    for (int x = 0; x < Width; x++)
                    {
                        row[x] = zy + (weights[2] * (double)x * x);
                    }

                    featureRow.Fill(-1);
                }
            }
        }

        /// <summary>
        /// Along x, rows [first, end) in raster order: 0 on background, else the squared distance to the nearer end
        /// of the foreground run (the left one on ties), ∞ in rows without background. Returns the rows with background.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int RowPass(int first, int end)
        {
            int width = Width;
            double weight = weights[2];
            int[] runBuffer = ArrayPool<int>.Shared.Rent(2 * ForegroundRuns.MaxRuns(width));
            int withBackground = 0;
            try
            {
                var runs = runBuffer.AsSpan();
                for (int row = first; row < end; row++)
                {
                    var target = squared.GetRowSpan(row);
                    var featureRow = trackFeatures ? features.GetRowSpan(row) : default;
                    int count = ForegroundRuns.Extract(input.GetRowSpan(row), default(NonZero<T>), runs);
                    if (count == 1 && runs[0] == 0 && runs[1] == width)
                    {
                        target.Fill(double.PositiveInfinity);
                        featureRow.Fill(-1);
                        continue;
                    }

                    withBackground++;
                    target.Clear();
                    int rowStart = row * width;
                    if (trackFeatures)
                    {
                        for (int x = 0; x < width; x++)
                        {
                            featureRow[x] = rowStart + x;
                        }
                    }

                    for (int r = 0; r < count; r++)
                    {
                        int start = runs[2 * r];
                        int stop = runs[(2 * r) + 1];
                        for (int x = start; x < stop; x++)
                        {
                            // Distances to the background voxels just outside the run (none past the row's ends).
                            int left = start > 0 ? x - start + 1 : int.MaxValue;
                            int right = stop < width ? stop - x : int.MaxValue;
                            int nearest = left <= right ? start - 1 : stop;
                            int distance = Math.Min(left, right);
                            target[x] = weight * distance * distance;
                            if (trackFeatures)
                            {
                                featureRow[x] = rowStart + nearest;
                            }
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<int>.Shared.Return(runBuffer);
            }

            return withBackground;
        }

        /// <summary>
        /// The lower-envelope pass along <paramref name="axis"/> (1 = y within planes [first, end); 0 = z for rows
        /// y in [first, end)), <see cref="TileLines"/> lines at a time gathered into a contiguous tile.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void LinePass(int first, int end, int axis)
        {
            int length = axis == 1 ? Height : Depth;
            double weight = weights[axis];
            int tileSize = TileLines * length;
            double[] values = ArrayPool<double>.Shared.Rent(tileSize);
            int[] sources = ArrayPool<int>.Shared.Rent(trackFeatures ? tileSize : 1);
            using var envelope = new LowerEnvelope(length);
            try
            {
                for (int outer = first; outer < end; outer++)
                {
                    for (int x0 = 0; x0 < Width; x0 += TileLines)
                    {
                        int lines = Math.Min(TileLines, Width - x0);
                        CopyTile(outer, axis, x0, lines, values, sources, toTile: true);
                        for (int l = 0; l < lines; l++)
                        {
                            envelope.Transform(values.AsSpan(l), length, TileLines, weight, trackFeatures ? sources.AsSpan(l) : default);
                        }

                        CopyTile(outer, axis, x0, lines, values, sources, toTile: false);
                    }
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(values);
                ArrayPool<int>.Shared.Return(sources);
            }
        }

        /// <summary>
        /// Copies lines x0..x0+lines of plane (axis 1) or row (axis 0) <paramref name="outer"/> to or from a tile
        /// whose row i holds element i of each line (<see cref="TileLines"/> apart): whole cache lines, no transpose.
        /// </summary>
        private void CopyTile(int outer, int axis, int x0, int lines, double[] values, int[] sources, bool toTile)
        {
            int length = axis == 1 ? Height : Depth;
            for (int i = 0; i < length; i++)
            {
                var (z, y) = axis == 1 ? (outer, i) : (i, outer);
                Copy(squared.GetRowSpan(z, y).Slice(x0, lines), values.AsSpan(i * TileLines, lines), toTile);
                if (trackFeatures)
                {
                    Copy(features.GetRowSpan(z, y).Slice(x0, lines), sources.AsSpan(i * TileLines, lines), toTile);
                }
            }
        }

        private static void Copy<TItem>(Span<TItem> image, Span<TItem> tile, bool toTile)
        {
            if (toTile)
            {
                image.CopyTo(tile);
            }
            else
            {
                tile.CopyTo(image);
            }
        }
    }

    /// <summary>
    /// The 1D transform <c>d(p) = min_q w(p−q)² + f(q)</c> of one line by the lower envelope of parabolas
    /// (Felzenszwalb–Huttenlocher), with pooled scratch for lines of one length. Infinite f(q) contribute no parabola.
    /// </summary>
    private sealed class LowerEnvelope : IDisposable
    {
        private readonly int[] _roots;
        private readonly double[] _rootValues;
        private readonly double[] _starts;
        private readonly int[] _firstPoints;
        private readonly int[] _features;

        public LowerEnvelope(int length)
        {
            _roots = ArrayPool<int>.Shared.Rent(length);
            _rootValues = ArrayPool<double>.Shared.Rent(length);
            _starts = ArrayPool<double>.Shared.Rent(length);
            _firstPoints = ArrayPool<int>.Shared.Rent(length);
            _features = ArrayPool<int>.Shared.Rent(length);
        }

        /// <summary>
        /// Transforms the line of <paramref name="length"/> values <c>f[i * stride]</c> in place and, when
        /// <paramref name="features"/> is not empty, replaces each <c>features[i * stride]</c> by that of the winning q.
        /// A line with only infinite values is left as it is.
        /// </summary>
        public void Transform(Span<double> f, int length, int stride, double weight, Span<int> features)
        {
            ref double line = ref MemoryMarshal.GetReference(f);
            var roots = _roots.AsSpan(0, length);
            var rootValues = _rootValues.AsSpan(0, length);
            var starts = _starts.AsSpan(0, length);
            var firstPoints = _firstPoints.AsSpan(0, length);

            // Build the envelope: parabola k is lowest from starts[k] on. Inside a stretch of zeros (background) only its
            // two ends can be nearest to anything outside it, so the zeros in between are left out. The pop test
            // s ≤ starts[k] is made as numerator ≤ starts[k]·denominator, so only kept parabolas cost a division.
            int k = -1;
            double previous = double.NaN;
            for (int q = 0; q < length; q++)
            {
                double fq = Unsafe.Add(ref line, q * stride);
                if (double.IsPositiveInfinity(fq) || (fq == 0 && previous == 0 && q < length - 1 && Unsafe.Add(ref line, (q + 1) * stride) == 0))
                {
                    previous = fq;
                    continue;
                }

                previous = fq;
                double numerator = 0;
                double denominator = 1;
                while (k >= 0)
                {
                    int v = roots[k];
                    numerator = fq - rootValues[k] + (weight * (((double)q * q) - ((double)v * v)));
                    denominator = 2 * weight * (q - v);
                    if (numerator > starts[k] * denominator)
                    {
                        break;
                    }

                    k--;
                }

                k++;
                roots[k] = q;
                rootValues[k] = fq;
                if (k == 0)
                {
                    starts[0] = double.NegativeInfinity;
                    firstPoints[0] = 0;
                }
                else
                {
                    double start = numerator / denominator;
                    starts[k] = start;
                    firstPoints[k] = (int)Math.Clamp(Math.Floor(start) + 1, 0, length);
                }
            }

            if (k < 0)
            {
                return;
            }

            ref int featureLine = ref MemoryMarshal.GetReference(features);
            var originalFeatures = _features.AsSpan(0, features.IsEmpty ? 0 : length);
            for (int i = 0; i < originalFeatures.Length; i++)
            {
                originalFeatures[i] = Unsafe.Add(ref featureLine, i * stride);
            }

            // Read the envelope segment by segment: parabola k wins for p in (starts[k], starts[k+1]]. A segment rooted at
            // a positive value holds no background (background voxels are roots or inside a stretch of zeros, which
            // belong to its end roots' segments); in a zero-rooted segment the background keeps 0 and its own feature.
            bool withFeatures = !originalFeatures.IsEmpty;
            for (int segment = 0; segment <= k; segment++)
            {
                int from = firstPoints[segment];
                int to = (segment == k ? length : firstPoints[segment + 1]) - 1;
                int root = roots[segment];
                double rootValue = rootValues[segment];
                int rootFeature = withFeatures ? originalFeatures[root] : 0;
                for (int p = from; p <= to; p++)
                {
                    ref double value = ref Unsafe.Add(ref line, p * stride);
                    double delta = p - root;
                    double squared = (weight * delta * delta) + rootValue;
                    bool background = rootValue == 0 && value == 0;
                    value = background ? 0 : squared;
                    if (withFeatures)
                    {
                        Unsafe.Add(ref featureLine, p * stride) = background ? originalFeatures[p] : rootFeature;
                    }
                }
            }
        }

        public void Dispose()
        {
            ArrayPool<int>.Shared.Return(_roots);
            ArrayPool<double>.Shared.Return(_rootValues);
            ArrayPool<double>.Shared.Return(_starts);
            ArrayPool<int>.Shared.Return(_firstPoints);
            ArrayPool<int>.Shared.Return(_features);
        }
    }
}
