using System.Text.Json;
using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Filters;

/// <summary>Border extension against numpy.pad, which implements scipy.ndimage's modes under other names.</summary>
public class BorderIndexTests
{
    [Fact]
    public void Every_mode_extends_like_numpy_pad_even_far_beyond_the_row()
    {
        // scipy reflect = numpy symmetric, scipy mirror = numpy reflect, nearest = edge, wrap = wrap; pads up to 11
        // samples on rows of 1 to 5 samples cover extensions that wrap around the row several times.
        string json = Python.Run("""
            import json, numpy as np
            modes = {"reflect": "symmetric", "mirror": "reflect", "nearest": "edge", "wrap": "wrap"}
            out = {}
            for name, numpy_mode in modes.items():
                for n in range(1, 6):
                    row = np.arange(n)
                    out[f"{name}{n}"] = np.pad(row, 11, mode=numpy_mode).tolist()
            print(json.dumps(out))
            """);
        var expected = JsonSerializer.Deserialize<Dictionary<string, int[]>>(json)!;
        foreach (var (key, padded) in expected)
        {
            var mode = BorderIndex.Parse(key[..^1]);
            int n = key[^1] - '0';
            var actual = Enumerable.Range(-11, n + 22).Select(i => BorderIndex.Map(i, n, mode)).ToArray();
            Assert.True(padded.SequenceEqual(actual), $"{key}: numpy {string.Join(",", padded)}, got {string.Join(",", actual)}");
        }
    }

    [Fact]
    public void Constant_reads_the_constant_outside_only()
    {
        Assert.Equal([-1, 0, 1, 2, -1], Enumerable.Range(-1, 5).Select(i => BorderIndex.Map(i, 3, BorderMode.Constant)));
    }

    [Theory]
    [InlineData("grid-mirror", BorderMode.Reflect)]
    [InlineData("grid-constant", BorderMode.Constant)]
    [InlineData("grid-wrap", BorderMode.Wrap)]
    [InlineData("mirror", BorderMode.Mirror)]
    public void Scipy_names_parse(string name, BorderMode mode) => Assert.Equal(mode, BorderIndex.Parse(name));

    [Fact]
    public void Unknown_names_and_empty_rows_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => BorderIndex.Parse("symmetric"));
        Assert.Throws<ArgumentOutOfRangeException>(() => BorderIndex.Map(0, 0, BorderMode.Reflect));
    }
}
