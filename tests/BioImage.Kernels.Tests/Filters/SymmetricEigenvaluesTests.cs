using System.Numerics;
using System.Text.Json;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Filters;

/// <summary>Closed-form eigenvalues against numpy.linalg.eigvalsh, including degenerate and extreme matrices.</summary>
public class SymmetricEigenvaluesTests
{
    [Fact]
    public void Eigenvalues_of_3x3_matrices_match_numpy()
    {
        var random = new Random(3);
        var matrices = new List<double[]>
        {
            new double[] { 0, 0, 0, 0, 0, 0 },        // zero
            new double[] { 2, 0, 0, 2, 0, 2 },        // multiple of the identity
            new double[] { 3, 0, 0, -1, 0, 7 },       // diagonal
            new double[] { 1, 1, 1, 1, 1, 1 },        // rank 1: 3, 0, 0 (two equal)
            new double[] { 2, 1e-9, 0, 2, 0, 2 + 1e-8 }, // almost isotropic
            new double[] { 1e6, 3, -2, -1e6, 5, 0.5 },   // wide range
        };
        for (int i = 0; i < 200; i++)
        {
            matrices.Add([.. Enumerable.Range(0, 6).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4)))]);
        }

        string json = Python.Run("""
            import json, sys, numpy as np
            out = []
            for a00, a01, a02, a11, a12, a22 in json.loads(sys.argv[1]):
                m = np.array([[a00, a01, a02], [a01, a11, a12], [a02, a12, a22]])
                out.append(np.linalg.eigvalsh(m)[::-1].tolist())
            print(json.dumps(out))
            """, JsonSerializer.Serialize(matrices));
        var expected = JsonSerializer.Deserialize<double[][]>(json)!;
        int lanes = Vector<double>.Count;
        for (int start = 0; start < matrices.Count; start += lanes)
        {
            var entries = new Vector<double>[6];
            for (int e = 0; e < 6; e++)
            {
                var lane = new double[lanes];
                for (int l = 0; l < lanes && start + l < matrices.Count; l++)
                {
                    lane[l] = matrices[start + l][e];
                }

                entries[e] = new Vector<double>(lane);
            }

            var (large, middle, small) = SymmetricEigenvalues.Of3x3(entries[0], entries[1], entries[2], entries[3], entries[4], entries[5]);
            for (int l = 0; l < lanes && start + l < matrices.Count; l++)
            {
                var e = expected[start + l];
                double scale = Math.Max(1e-300, matrices[start + l].Max(Math.Abs));
                Assert.True(Math.Abs(large[l] - e[0]) <= 1e-10 * scale && Math.Abs(middle[l] - e[1]) <= 1e-10 * scale && Math.Abs(small[l] - e[2]) <= 1e-10 * scale,
                    $"matrix {start + l} [{string.Join(", ", matrices[start + l])}]: numpy {string.Join(", ", e)}, got {large[l]}, {middle[l]}, {small[l]}");
                Assert.True(large[l] >= middle[l] && middle[l] >= small[l]);
            }
        }
    }

    [Fact]
    public void A_matrix_has_the_same_eigenvalues_in_every_lane_whatever_its_neighbours()
    {
        var random = new Random(11);
        int lanes = Vector<double>.Count;
        for (int trial = 0; trial < 2000; trial++)
        {
            double[] matrix = [.. Enumerable.Range(0, 6).Select(_ => random.NextDouble() - 0.5)];
            (double, double, double)? first = null;
            for (int lane = 0; lane < lanes; lane++)
            {
                foreach (bool zeroNeighbours in new[] { true, false })
                {
                    var entries = new Vector<double>[6];
                    for (int e = 0; e < 6; e++)
                    {
                        var values = new double[lanes];
                        for (int l = 0; l < lanes; l++)
                        {
                            values[l] = l == lane ? matrix[e] : zeroNeighbours ? 0 : random.NextDouble() - 0.5;
                        }

                        entries[e] = new Vector<double>(values);
                    }

                    var (large, middle, small) = SymmetricEigenvalues.Of3x3(entries[0], entries[1], entries[2], entries[3], entries[4], entries[5]);
                    var result = (large[lane], middle[lane], small[lane]);
                    first ??= result;
                    Assert.True(first.Value.Equals(result), $"trial {trial}, lane {lane}: {first} vs {result}");
                }
            }
        }
    }

    [Fact]
    public void SinCos_is_accurate_on_the_angles_the_eigenvalues_need() =>
        OnGrid(0, Math.PI / 3, SymmetricEigenvalues.SinCos, (phi, sin, cos) =>
            Assert.True(Math.Abs(sin - Math.Sin(phi)) <= 4e-16 && Math.Abs(cos - Math.Cos(phi)) <= 4e-16, $"φ = {phi:R}: {sin:R}, {cos:R}"));

    [Fact]
    public void Eigenvalues_of_2x2_matrices_are_exact_for_simple_cases()
    {
        var (large, small) = SymmetricEigenvalues.Of2x2(new Vector<double>(2), new Vector<double>(1), new Vector<double>(2));
        Assert.Equal(3, large[0], 15);
        Assert.Equal(1, small[0], 15);
    }

    [Fact]
    public void Acos_is_accurate_over_the_whole_domain() =>
        OnGrid(-1, 1, x => (SymmetricEigenvalues.Acos(x), x), (x, acos, _) =>
            Assert.True(Math.Abs(acos - Math.Acos(x)) < 1e-12, $"acos({x:R}) = {Math.Acos(x):R}, got {acos:R}"));

    /// <summary>Runs <paramref name="function"/> on 4001 evenly spaced points of [from, to], a vector at a time, and checks every lane.</summary>
    private static void OnGrid(double from, double to, Func<Vector<double>, (Vector<double>, Vector<double>)> function, Action<double, double, double> check)
    {
        const int Steps = 4000;
        int lanes = Vector<double>.Count;
        for (int i = 0; i <= Steps; i += lanes)
        {
            var x = new double[lanes];
            for (int l = 0; l < lanes; l++)
            {
                x[l] = Math.Clamp(from + ((to - from) * (i + l) / Steps), Math.Min(from, to), Math.Max(from, to));
            }

            var (first, second) = function(new Vector<double>(x));
            for (int l = 0; l < lanes; l++)
            {
                check(x[l], first[l], second[l]);
            }
        }
    }
}
