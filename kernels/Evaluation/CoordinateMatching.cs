namespace BioImage.Kernels;

/// <summary>
/// Matching of two point sets by distance — bioimage-py's <c>coordinate_matching(points, reference,
/// distance_threshold, resolution)</c> (and, on object centroids, <c>centroid_matching</c>): a pair matches when its
/// Euclidean distance, after scaling every axis by the resolution, is at most the threshold.
/// </summary>
/// <remarks>
/// bioimage-py's Hungarian assignment on −(d ≤ t) + d/(2m·(d_max + 1e-12)) keeps exactly as many matching pairs as a
/// maximum matching of them has, so the true positives are a maximum matching's size (<see cref="BipartiteMatching"/>);
/// fp = |points| − tp, fn = |reference| − tp. O(n·m·d) for the distances plus O(E·√(n + m)).
/// </remarks>
public static class CoordinateMatching
{
    /// <summary>Precision, recall, segmentation accuracy and F1 of <paramref name="points"/> against <paramref name="reference"/>.</summary>
    /// <param name="points">The detected points, one row of <paramref name="dimensions"/> coordinates each (row-major).</param>
    /// <param name="reference">The reference points, same layout.</param>
    /// <param name="dimensions">Coordinates per point (≥ 1).</param>
    /// <param name="distanceThreshold">A pair matches when its distance is at most this (inclusive).</param>
    /// <param name="resolution">Scale of each axis (length <paramref name="dimensions"/>), or empty for 1.</param>
    /// <exception cref="ArgumentException">The coordinate arrays or the resolution do not fit <paramref name="dimensions"/>.</exception>
    public static MatchingScores Scores(ReadOnlySpan<double> points, ReadOnlySpan<double> reference, int dimensions, double distanceThreshold, ReadOnlySpan<double> resolution = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (points.Length % dimensions != 0 || reference.Length % dimensions != 0)
        {
            throw new ArgumentException($"Point coordinates come in rows of {dimensions}; got {points.Length} and {reference.Length} values.", nameof(dimensions));
        }

        if (!resolution.IsEmpty && resolution.Length != dimensions)
        {
            throw new ArgumentException($"The resolution needs {dimensions} values (one per axis); got {resolution.Length}.", nameof(resolution));
        }

        int n = points.Length / dimensions, m = reference.Length / dimensions;
        var left = new List<int>();
        var right = new List<int>();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double squared = 0;
                for (int axis = 0; axis < dimensions; axis++)
                {
                    double scale = resolution.IsEmpty ? 1 : resolution[axis];
                    double difference = (points[(i * dimensions) + axis] * scale) - (reference[(j * dimensions) + axis] * scale);
                    squared += difference * difference;
                }

                if (Math.Sqrt(squared) <= distanceThreshold)
                {
                    left.Add(i);
                    right.Add(j);
                }
            }
        }

        return MatchingScores.Of(BipartiteMatching.MaximumSize(n, m, left.ToArray(), right.ToArray()), n, m);
    }
}
