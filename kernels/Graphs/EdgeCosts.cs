namespace BioImage.Kernels.Graphs;

/// <summary>How <see cref="EdgeCosts.ComputeEdgeCosts{T}"/> weights costs by edge size (elf / bioimage-py <c>compute_edge_costs</c>).</summary>
public enum EdgeWeighting
{
    /// <summary>No weighting.</summary>
    None,

    /// <summary>Every cost times size / max size.</summary>
    All,

    /// <summary>z edges and in-plane edges weighted separately, each by size / max size of its population.</summary>
    Xyz,

    /// <summary>Only z edges weighted (by size / max z size); in-plane edges keep their cost.</summary>
    Z,
}

/// <summary>
/// Multicut edge costs from boundary probabilities — bioimage-py's (elf's) <c>transform_probabilities_to_costs</c> and
/// <c>compute_edge_costs</c>: p̃ = 0.998·p + 0.001, c = ln((1 − p̃)/p̃) + ln((1 − β)/β), optionally
/// c·(size/max size)^exponent over the whole edge set or per population (z edges and in-plane edges). Positive cost
/// = attractive (p → 0), negative = repulsive (p → 1). The float32 overload computes as numpy 1.24 does for a
/// float32 array: p̃ and the log in float32 (numpy's own float32 log, <see cref="NumpyFloat32Log"/>), the β term (a double) rounded to float32 and added in float32, the
/// weighting in double rounded back to float32. The float64 overload computes everything in double. O(k).
/// </summary>
public static class EdgeCosts
{
    private const double MinimumProbability = 0.001;

    /// <summary>(1 − 0.001) − 0.001, as Python computes p_max − p_min.</summary>
    private const double ProbabilityScale = (1.0 - MinimumProbability) - MinimumProbability;

    /// <summary>Costs of float32 probabilities, computed in float32 as numpy 1.24 does.</summary>
    /// <param name="probabilities">Boundary probabilities (p → 1: cut).</param>
    /// <param name="beta">Boundary bias in (0, 1); above 0.5 favours cuts.</param>
    /// <param name="sizes">Edge sizes for weighting, or empty for none.</param>
    /// <param name="populations">With sizes: the population of each edge (weighted separately by its own max size; a negative entry leaves the edge unweighted), or empty for one population.</param>
    /// <param name="exponent">Weighting exponent.</param>
    public static float[] TransformProbabilitiesToCosts(ReadOnlySpan<float> probabilities, double beta = 0.5, ReadOnlySpan<double> sizes = default, ReadOnlySpan<int> populations = default, double exponent = 1.0)
    {
        float bias = (float)Bias(beta);
        float scale = (float)ProbabilityScale, offset = (float)MinimumProbability;
        var costs = new float[probabilities.Length];
        for (int i = 0; i < costs.Length; i++)
        {
            float p = (scale * probabilities[i]) + offset;
            costs[i] = NumpyFloat32Log.Log((1f - p) / p) + bias;
        }

        var weights = Weights(sizes, populations, exponent, costs.Length);
        for (int i = 0; i < weights.Length; i++)
        {
            costs[i] = (float)(costs[i] * weights[i]);
        }

        return costs;
    }

    /// <summary>Costs of float64 probabilities, computed in double.</summary>
    /// <inheritdoc cref="TransformProbabilitiesToCosts(ReadOnlySpan{float}, double, ReadOnlySpan{double}, ReadOnlySpan{int}, double)"/>
    public static double[] TransformProbabilitiesToCosts(ReadOnlySpan<double> probabilities, double beta = 0.5, ReadOnlySpan<double> sizes = default, ReadOnlySpan<int> populations = default, double exponent = 1.0)
    {
        double bias = Bias(beta);
        var costs = new double[probabilities.Length];
        for (int i = 0; i < costs.Length; i++)
        {
            double p = (ProbabilityScale * probabilities[i]) + MinimumProbability;
            costs[i] = Math.Log((1 - p) / p) + bias;
        }

        var weights = Weights(sizes, populations, exponent, costs.Length);
        for (int i = 0; i < weights.Length; i++)
        {
            costs[i] *= weights[i];
        }

        return costs;
    }

    /// <summary>
    /// elf's <c>compute_edge_costs</c>: the costs of <see cref="TransformProbabilitiesToCosts(ReadOnlySpan{double}, double, ReadOnlySpan{double}, ReadOnlySpan{int}, double)"/>
    /// with the weighting <paramref name="scheme"/>: none; all (size/max size); xyz (z edges by the max z size, the
    /// others by the max in-plane size); z (z edges by the max z size, in-plane edges unweighted). An empty population
    /// is skipped.
    /// </summary>
    /// <typeparam name="T">float (numpy float32 arithmetic) or double.</typeparam>
    /// <param name="probabilities">Boundary probabilities.</param>
    /// <param name="sizes">Edge sizes (needed unless the scheme is none).</param>
    /// <param name="zEdges">Which edges are z edges (needed for xyz and z).</param>
    /// <param name="beta">Boundary bias in (0, 1).</param>
    /// <param name="scheme">The weighting scheme.</param>
    /// <param name="exponent">Weighting exponent.</param>
    /// <exception cref="ArgumentException">Sizes or the z mask are missing or of the wrong length for the scheme.</exception>
    public static T[] ComputeEdgeCosts<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<double> sizes, ReadOnlySpan<bool> zEdges, double beta = 0.5, EdgeWeighting scheme = EdgeWeighting.None, double exponent = 1.0)
        where T : unmanaged
    {
        if (scheme != EdgeWeighting.None && sizes.Length != probabilities.Length)
        {
            throw new ArgumentException($"Weighting scheme {scheme} needs one edge size per edge ({probabilities.Length}); got {sizes.Length}.", nameof(sizes));
        }

        if (scheme is EdgeWeighting.Xyz or EdgeWeighting.Z && zEdges.Length != probabilities.Length)
        {
            throw new ArgumentException($"Weighting scheme {scheme} needs a z-edge flag per edge ({probabilities.Length}); got {zEdges.Length}.", nameof(zEdges));
        }

        var populations = scheme is EdgeWeighting.Xyz or EdgeWeighting.Z ? new int[probabilities.Length] : [];
        for (int i = 0; i < populations.Length; i++)
        {
            populations[i] = zEdges[i] ? 0 : scheme == EdgeWeighting.Xyz ? 1 : -1;
        }

        var weighted = scheme == EdgeWeighting.None ? default : sizes;
        return typeof(T) == typeof(float)
            ? (T[])(object)TransformProbabilitiesToCosts(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(probabilities), beta, weighted, populations, exponent)
            : typeof(T) == typeof(double)
                ? (T[])(object)TransformProbabilitiesToCosts(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(probabilities), beta, weighted, populations, exponent)
                : throw new ArgumentException($"Edge costs are float or double, not {typeof(T).Name}.", nameof(probabilities));
    }

    private static double Bias(double beta)
    {
        if (!(beta > 0 && beta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must lie strictly between 0 and 1.");
        }

        return Math.Log((1 - beta) / beta);
    }

    /// <summary>The weight of each edge, (size / max size of its population)^exponent (1 for a negative population); empty without sizes.</summary>
    private static double[] Weights(ReadOnlySpan<double> sizes, ReadOnlySpan<int> populations, double exponent, int count)
    {
        if (sizes.IsEmpty)
        {
            return [];
        }

        if (sizes.Length != count || (!populations.IsEmpty && populations.Length != count))
        {
            throw new ArgumentException($"Weighting needs one size (and population) per edge ({count}); got {sizes.Length} ({populations.Length}).", nameof(sizes));
        }

        var maxima = new Dictionary<int, double>();
        for (int i = 0; i < count; i++)
        {
            int population = populations.IsEmpty ? 0 : populations[i];
            maxima[population] = maxima.TryGetValue(population, out double max) ? Math.Max(max, sizes[i]) : sizes[i];
        }

        var weights = new double[count];
        for (int i = 0; i < count; i++)
        {
            int population = populations.IsEmpty ? 0 : populations[i];
            double weight = population < 0 ? 1 : sizes[i] / maxima[population];
            weights[i] = exponent == 1 ? weight : Math.Pow(weight, exponent);
        }

        return weights;
    }
}
