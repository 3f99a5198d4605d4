using System.Text.Json;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Resampling;

/// <summary>B-spline values against scipy.interpolate, and the prefilter as the exact inverse of B-spline sampling.</summary>
public class BSplineTests
{
    [Fact]
    public void Values_match_scipy_basis_elements()
    {
        string json = Python.Run("""
            import json, numpy as np
            from scipy.interpolate import BSpline
            t = np.linspace(-3.2, 3.2, 41)
            out = {}
            for n in range(6):
                knots = np.arange(n + 2) - (n + 1) / 2
                values = BSpline.basis_element(knots, extrapolate=False)(t)
                out[str(n)] = [0.0 if np.isnan(v) else float(v) for v in values]
            print(json.dumps({"t": t.tolist(), "values": out}))
            """);
        using var document = JsonDocument.Parse(json);
        var t = document.RootElement.GetProperty("t").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int order = 1; order <= 5; order++)
        {
            var expected = document.RootElement.GetProperty("values").GetProperty($"{order}").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int i = 0; i < t.Length; i++)
            {
                Assert.True(Math.Abs(BSpline.Value(order, t[i]) - expected[i]) < 1e-14, $"order {order} at {t[i]}: scipy {expected[i]}, got {BSpline.Value(order, t[i])}");
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Prefilter_inverts_sampling_with_the_spline(int order)
    {
        // Σ_k h[k] β(j − k) is δ_j: interpolating the coefficients of x at the samples returns x.
        var h = BSpline.Prefilter(order).ToArray();
        int reach = h.Length / 2, support = (order + 1) / 2;
        for (int j = -reach - support; j <= reach + support; j++)
        {
            double sum = 0;
            for (int k = -reach; k <= reach; k++)
            {
                sum += h[k + reach] * BSpline.Value(order, j - k);
            }

            Assert.True(Math.Abs(sum - (j == 0 ? 1 : 0)) < 1e-13, $"order {order}, j = {j}: {sum:R}");
        }

        Assert.Equal(h, h.Reverse());
    }

    [Fact]
    public void Orders_outside_0_to_5_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BSpline.Value(6, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BSpline.Prefilter(1).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResizePlan(new Index3(2, 2, 2), new Index3(1, 1, 1), order: -1));
    }
}
