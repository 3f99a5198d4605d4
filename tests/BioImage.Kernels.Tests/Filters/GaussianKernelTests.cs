using System.Text.Json;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Filters;

/// <summary>Kernel radius and weights against scipy.ndimage's own kernel builder.</summary>
public class GaussianKernelTests
{
    private static readonly double[] Sigmas = [0.3, 0.5, 1.0, 1.7, 2.0, 3.25];

    [Fact]
    public void Weights_and_radius_match_scipy()
    {
        // scipy convolves with _gaussian_kernel1d; our weights are that kernel reversed (correlation form).
        string json = Python.Run("""
            import json, sys
            from scipy.ndimage._filters import _gaussian_kernel1d
            out = {}
            for s in json.loads(sys.argv[1]):
                for truncate in (4.0, 2.5):
                    r = int(truncate * s + 0.5)
                    for order in range(3):
                        out[f"{s}/{truncate}/{order}"] = _gaussian_kernel1d(s, order, r)[::-1].tolist()
            print(json.dumps(out))
            """, JsonSerializer.Serialize(Sigmas));
        var expected = JsonSerializer.Deserialize<Dictionary<string, double[]>>(json)!;
        foreach (var (key, weights) in expected)
        {
            var parts = key.Split('/');
            double sigma = double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            double truncate = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            int order = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(weights.Length, (2 * GaussianKernel.Radius(sigma, truncate)) + 1);
            var actual = GaussianKernel.CorrelationWeights(sigma, order, truncate);
            double scale = weights.Max(Math.Abs);
            for (int k = 0; k < weights.Length; k++)
            {
                Assert.True(Math.Abs(actual[k] - weights[k]) <= 1e-14 * scale, $"{key} tap {k}: scipy {weights[k]:R}, got {actual[k]:R}");
            }
        }
    }

    [Fact]
    public void Tiny_sigma_skips_the_axis_and_bad_arguments_are_rejected()
    {
        Assert.Equal(0, GaussianKernel.Radius(0));
        Assert.Equal(0, GaussianKernel.Radius(1e-16));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianKernel.Radius(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianKernel.Radius(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianKernel.Radius(1, truncate: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianKernel.CorrelationWeights(1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianKernel.CorrelationWeights(0, 0));
    }
}
