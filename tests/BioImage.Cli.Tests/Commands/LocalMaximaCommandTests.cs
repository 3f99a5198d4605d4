using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage local-maxima</c> as a user runs it on an odd 9×11×13 volume of smooth noise (no ties) and a 2D
/// image, with blocks that divide no axis, on threads and worker processes: skimage.feature.peak_local_max on the
/// whole volume is the oracle; the CSV has the axis columns bioimage-py's tables use.
/// </summary>
public sealed class LocalMaximaCommandTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np
        from scipy import ndimage as ndi
        rng = np.random.default_rng(11)
        np.save(sys.argv[1] + '/volume.npy', ndi.gaussian_filter(rng.random((9, 11, 13)), 1.0).astype(np.float32))
        np.save(sys.argv[1] + '/image.npy', (ndi.gaussian_filter(rng.random((21, 17)), 1.0) * 1000).astype(np.float64))
        wide = ndi.gaussian_filter(rng.random((9, 11, 60)), 1.0); wide[..., :30] *= 0.1
        np.save(sys.argv[1] + '/wide.npy', wide.astype(np.float32))
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-peaks-").FullName;

    public LocalMaximaCommandTests()
    {
        Python.Run(MakeInput, _folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("volume.npy", "4,5,6", "local", "1", "threshold_rel=0.2", "--threshold-rel", "0.2")]
    [InlineData("volume.npy", "5,3,7", "subprocess", "2", "exclude_border=False", "--exclude-border", "0")]
    [InlineData("image.npy", "6,5", "local", "2", "threshold_abs=500", "--threshold-abs", "500")]
    public void Peaks_csv_and_json_equal_skimage_on_the_whole_volume(string input, string blocks, string jobType, string minDistance, string skimageArgument, params string[] options)
    {
        string csv = P("peaks.csv");
        var (code, output, error) = CliTests.Run(["local-maxima", P(input), "--block-shape", blocks, "--job-type", jobType, "--workers", "2", "--min-distance", minDistance, "--global-thresholds", "--csv", csv, "--json", .. options]);
        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        string expected = Python.Run(
            $"import sys, numpy as np\nfrom skimage.feature import peak_local_max\np = peak_local_max(np.load(sys.argv[1]), min_distance={minDistance}, {skimageArgument})\nprint(sorted(map(tuple, p.tolist())))",
            P(input)).Trim();
        var fromJson = result.GetProperty("peaks").EnumerateArray().Select(p => p.EnumerateArray().Select(v => v.GetInt64()).ToArray())
            .OrderBy(p => p[0]).ThenBy(p => p[1]).ThenBy(p => p[^1]).Select(p => "(" + string.Join(", ", p) + ")");
        Assert.Equal(expected, "[" + string.Join(", ", fromJson) + "]");
        Assert.NotEqual("[]", expected);

        var lines = File.ReadAllLines(csv);
        Assert.Equal(input == "image.npy" ? "y,x" : "z,y,x", lines[0]);
        Assert.Equal(result.GetProperty("count").GetInt32(), lines.Length - 1);
        Assert.Equal(result.GetProperty("peaks").EnumerateArray().Select(p => string.Join(",", p.EnumerateArray().Select(v => v.GetInt64()))), lines.Skip(1));
    }

    [Fact]
    public void Block_local_thresholds_are_the_default_and_bad_arguments_are_usage_errors()
    {
        // A dim half (x < 30) and a bright half: block-locally the dim half has its own maximum, globally it has no peak.
        var (code, output, error) = CliTests.Run("local-maxima", P("wide.npy"), "--block-shape", "9,11,10", "--threshold-rel", "0.8");
        Assert.True(code == 0, error);
        var (globalCode, globalOutput, _) = CliTests.Run("local-maxima", P("wide.npy"), "--block-shape", "9,11,10", "--threshold-rel", "0.8", "--global-thresholds");
        Assert.Equal(0, globalCode);
        int Count(string text) => int.Parse(text.Split(": ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Count(output) > Count(globalOutput), $"{output} vs {globalOutput}");

        (code, _, error) = CliTests.Run("local-maxima", P("volume.npy"), "--min-distance", "-1");
        Assert.Equal(2, code);
        Assert.Contains("MinDistance", error, StringComparison.Ordinal);
        (code, _, error) = CliTests.Run("local-maxima", P("volume.npy"), "--csv", "/nonexistent/folder/p.csv");
        Assert.Equal(2, code);
        Assert.Contains("--csv", error, StringComparison.Ordinal);
    }
}
