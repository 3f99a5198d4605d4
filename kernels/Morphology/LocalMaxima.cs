using System.Buffers;
using System.Numerics;

namespace BioImage.Kernels;

/// <summary>
/// Peaks of an image — <c>skimage.feature.peak_local_max(image, min_distance, threshold_abs, threshold_rel,
/// exclude_border)</c> as bioimage-py's <c>find_local_maxima</c> calls it (scikit-image 0.19 semantics).
/// </summary>
/// <remarks>
/// <para>
/// A voxel is a candidate when it equals the maximum of the (2·min_distance+1)-cube around it, with voxels outside
/// the image counting as 0 (scipy's <c>maximum_filter(mode='constant')</c>), when it is above the threshold, and
/// when it lies at least <c>exclude_border</c> voxels from every face. If every voxel equals its neighbourhood
/// maximum (a flat image) there are no peaks. Candidates are then taken in decreasing order of value and one is
/// kept unless a kept peak lies at Chebyshev distance &lt; min_distance (skimage's <c>ensure_spacing</c>).
/// </para>
/// <para>
/// The cube maximum is separable: one running maximum per axis by the van Herk / Gil–Werman algorithm (van Herk,
/// Pattern Recognition Letters 13, 1992; Gil and Werman, IEEE PAMI 15, 1993), three comparisons per voxel per axis
/// whatever the window. The spacing test looks up kept peaks in a hash grid of cells of min_distance voxels, so
/// it costs O(1) per candidate. O(n + c log c) for c candidates.
/// </para>
/// <para>
/// Equal values: skimage sorts candidates with numpy's unstable quicksort, so among equal values its order (and
/// thus which of two equal nearby peaks survives) is unspecified; here they are taken in raster order.
/// </para>
/// </remarks>
public static class LocalMaxima
{
    /// <summary>The peaks of a 3D image as (z, y, x) triples, highest first.</summary>
    /// <param name="image">The image.</param>
    /// <param name="minDistance">Minimal Chebyshev distance between peaks, and the radius of the maximum cube (≥ 0).</param>
    /// <param name="thresholdAbs">Peaks must be above this value; by default the image minimum.</param>
    /// <param name="thresholdRel">If given, peaks must also be above <c>thresholdRel · max(image)</c>.</param>
    /// <param name="excludeBorder">Width of the border without peaks; by default <paramref name="minDistance"/> (skimage's <c>True</c>), 0 for none.</param>
    /// <returns>3·k coordinates: z, y, x of each peak.</returns>
    public static int[] Find<T>(ReadOnlySpan3D<T> image, int minDistance = 1, double? thresholdAbs = null, double? thresholdRel = null, int? excludeBorder = null)
        where T : unmanaged, INumber<T> =>
        FindCore(image, minDistance, thresholdAbs, thresholdRel, excludeBorder, planar: false);

    /// <summary>The peaks of a 2D image as (y, x) pairs, highest first.</summary>
    /// <inheritdoc cref="Find{T}(ReadOnlySpan3D{T}, int, double?, double?, int?)"/>
    /// <returns>2·k coordinates: y, x of each peak.</returns>
    public static int[] Find<T>(ReadOnlySpan2D<T> image, int minDistance = 1, double? thresholdAbs = null, double? thresholdRel = null, int? excludeBorder = null)
        where T : unmanaged, INumber<T>
    {
        var triples = FindCore(image.AsSpan3D(), minDistance, thresholdAbs, thresholdRel, excludeBorder, planar: true);
        var pairs = new int[triples.Length / 3 * 2];
        for (int i = 0; i < triples.Length / 3; i++)
        {
            pairs[2 * i] = triples[(3 * i) + 1];
            pairs[(2 * i) + 1] = triples[(3 * i) + 2];
        }

        return pairs;
    }

    private static int[] FindCore<T>(ReadOnlySpan3D<T> image, int minDistance, double? thresholdAbs, double? thresholdRel, int? excludeBorder, bool planar)
        where T : unmanaged, INumber<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minDistance);
        int border = excludeBorder ?? minDistance;
        ArgumentOutOfRangeException.ThrowIfNegative(border, nameof(excludeBorder));
        if (image.IsEmpty)
        {
            return [];
        }

        var threshold = Threshold(image, thresholdAbs, thresholdRel);
        int depth = image.Depth, height = image.Height, width = image.Width;
        int count = checked(depth * height * width);
        T[] maxima = ArrayPool<T>.Shared.Rent(count);
        try
        {
            var candidates = new List<(T Value, int Index)>();
            bool flat = true;
            var cube = new Span3D<T>(maxima, depth, height, width);
            image.CopyTo(cube);

            // As skimage: a one-voxel footprint or image means plain thresholding.
            bool filter = minDistance > 0 && count > 1;
            if (filter)
            {
                CubeMaximum(cube, minDistance, planar);
            }

            int zBorder = planar ? 0 : border;
            for (int z = 0; z < depth; z++)
            {
                for (int y = 0; y < height; y++)
                {
                    var values = image.GetRowSpan(z, y);
                    var rowMaxima = cube.GetRowSpan(z, y);
                    bool insideZY = z >= zBorder && z < depth - zBorder && y >= border && y < height - border;
                    for (int x = 0; x < width; x++)
                    {
                        T value = values[x];
                        bool isMaximum = value == rowMaxima[x];
                        flat &= isMaximum;
                        if (isMaximum && insideZY && x >= border && x < width - border && threshold.IsBelow(value))
                        {
                            candidates.Add((value, (((z * height) + y) * width) + x));
                        }
                    }
                }
            }

            if (flat && filter)
            {
                return [];
            }

            // Highest first, ties in raster order (List.Sort is unstable, so the index breaks ties explicitly).
            candidates.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : a.Index.CompareTo(b.Index));
            return Spaced(candidates, minDistance, height, width);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(maxima);
        }
    }

    /// <summary>Keeps candidates (highest first) with no kept peak at Chebyshev distance below <paramref name="minDistance"/>.</summary>
    private static int[] Spaced<T>(List<(T Value, int Index)> candidates, int minDistance, int height, int width)
    {
        var kept = new List<int>();
        var grid = new Dictionary<(int, int, int), List<(int Z, int Y, int X)>>();
        int cell = Math.Max(minDistance, 1);
        foreach (var (_, index) in candidates)
        {
            int z = index / (height * width);
            int y = index / width % height;
            int x = index % width;
            var home = (z / cell, y / cell, x / cell);
            if (minDistance > 0 && HasKeptNeighbour(grid, home, (z, y, x), minDistance))
            {
                continue;
            }

            if (!grid.TryGetValue(home, out var members))
            {
                grid[home] = members = [];
            }

            members.Add((z, y, x));
            kept.Add(z);
            kept.Add(y);
            kept.Add(x);
        }

        return [.. kept];
    }

    private static bool HasKeptNeighbour(Dictionary<(int, int, int), List<(int Z, int Y, int X)>> grid, (int Z, int Y, int X) home, (int Z, int Y, int X) point, int minDistance)
    {
        for (int dz = -1; dz <= 1; dz++)
        {
            for (int dy = -1; dy <= 1; dy++)
            {
                for (int dx = -1; dx <= 1; dx++)
                {
                    if (!grid.TryGetValue((home.Z + dz, home.Y + dy, home.X + dx), out var members))
                    {
                        continue;
                    }

                    foreach (var other in members)
                    {
                        int chebyshev = Math.Max(Math.Abs(other.Z - point.Z), Math.Max(Math.Abs(other.Y - point.Y), Math.Abs(other.X - point.X)));
                        if (chebyshev < minDistance)
                        {
                            return true;
                        }
                    }
                }
            }
        }

        return false;
    }

    /// <summary>skimage's threshold: <c>threshold_abs</c> or the image minimum, raised to <c>threshold_rel · max</c>.</summary>
    private static PeakThreshold<T> Threshold<T>(ReadOnlySpan3D<T> image, double? thresholdAbs, double? thresholdRel)
        where T : unmanaged, INumber<T>
    {
        var (min, max) = (image[0, 0, 0], image[0, 0, 0]);
        for (int z = 0; z < image.Depth; z++)
        {
            for (int y = 0; y < image.Height; y++)
            {
                var (rowMin, rowMax) = Moments.MinMax(image.GetRowSpan(z, y));
                min = T.Min(min, rowMin);
                max = T.Max(max, rowMax);
            }
        }

        double threshold = thresholdAbs ?? double.CreateTruncating(min);
        if (thresholdRel is double relative)
        {
            threshold = Math.Max(threshold, relative * double.CreateTruncating(max));
        }

        return new PeakThreshold<T>(threshold);
    }

    /// <summary>
    /// <c>value &gt; threshold</c> as numpy compares an array with a float64 scalar: in the array's type for floating
    /// arrays (the scalar is rounded to it), in float64 for integer arrays.
    /// </summary>
    private readonly struct PeakThreshold<T>(double threshold)
        where T : unmanaged, INumber<T>
    {
        private readonly T _rounded = T.CreateSaturating(threshold);
        private readonly bool _floating = typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half);

        public bool IsBelow(T value) => _floating ? value > _rounded : double.CreateTruncating(value) > threshold;
    }

    /// <summary>Replaces <paramref name="values"/> by its maximum over (2r+1)-cubes, outside counting as 0.</summary>
    private static void CubeMaximum<T>(Span3D<T> values, int radius, bool planar)
        where T : unmanaged, INumber<T>
    {
        int longest = Math.Max(values.Width, Math.Max(values.Height, values.Depth));
        var window = new SlidingMaximum<T>(longest, radius);
        try
        {
            var line = new T[longest];
            for (int z = 0; z < values.Depth; z++)
            {
                for (int y = 0; y < values.Height; y++)
                {
                    window.Apply(values.GetRowSpan(z, y));
                }
            }

            for (int axis = planar ? 1 : 0; axis < 2; axis++)
            {
                int length = axis == 0 ? values.Depth : values.Height;
                int outer = axis == 0 ? values.Height : values.Depth;
                for (int o = 0; o < outer; o++)
                {
                    for (int x = 0; x < values.Width; x++)
                    {
                        for (int i = 0; i < length; i++)
                        {
                            line[i] = axis == 0 ? values[i, o, x] : values[o, i, x];
                        }

                        window.Apply(line.AsSpan(0, length));
                        for (int i = 0; i < length; i++)
                        {
                            ref T target = ref axis == 0 ? ref values[i, o, x] : ref values[o, i, x];
                            target = line[i];
                        }
                    }
                }
            }
        }
        finally
        {
            window.Dispose();
        }
    }

    /// <summary>
    /// Maximum over a sliding window of 2r+1 with zero padding (van Herk / Gil–Werman): the padded line is cut into
    /// blocks of the window length; the window maximum is max(suffix maximum at its start, prefix maximum at its end).
    /// </summary>
    private readonly struct SlidingMaximum<T> : IDisposable
        where T : unmanaged, INumber<T>
    {
        private readonly int _radius;
        private readonly T[] _padded;
        private readonly T[] _prefix;
        private readonly T[] _suffix;

        public SlidingMaximum(int longest, int radius)
        {
            _radius = radius;
            int size = longest + (2 * radius) + (2 * radius) + 1;
            _padded = ArrayPool<T>.Shared.Rent(size);
            _prefix = ArrayPool<T>.Shared.Rent(size);
            _suffix = ArrayPool<T>.Shared.Rent(size);
        }

        public void Apply(Span<T> line)
        {
            int window = (2 * _radius) + 1;
            int length = line.Length + (2 * _radius);
            var padded = _padded.AsSpan(0, length);
            padded.Clear();
            line.CopyTo(padded[_radius..]);
            for (int i = 0; i < length; i++)
            {
                _prefix[i] = i % window == 0 ? padded[i] : T.Max(_prefix[i - 1], padded[i]);
            }

            for (int i = length - 1; i >= 0; i--)
            {
                _suffix[i] = i == length - 1 || (i + 1) % window == 0 ? padded[i] : T.Max(_suffix[i + 1], padded[i]);
            }

            for (int x = 0; x < line.Length; x++)
            {
                // Window [x, x + 2r] of the padded line is centred on element x of the line.
                line[x] = T.Max(_suffix[x], _prefix[x + window - 1]);
            }
        }

        public void Dispose()
        {
            ArrayPool<T>.Shared.Return(_padded);
            ArrayPool<T>.Shared.Return(_prefix);
            ArrayPool<T>.Shared.Return(_suffix);
        }
    }
}
