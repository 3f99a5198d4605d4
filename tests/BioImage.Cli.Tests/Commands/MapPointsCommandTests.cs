using System.Globalization;
using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage map-points</c> as a user runs it on an odd 9×11×13 segmentation with a few objects, points inside
/// objects, in the background and outside the volume, blocks that divide no axis, on threads and worker processes:
/// a brute-force nearest object voxel (numpy, with the sampling) is the oracle where the halo covers the volume.
/// </summary>
public sealed class MapPointsCommandTests : IDisposable
{
    private const string MakeInput = """
        import sys, numpy as np
        rng = np.random.default_rng(3)
        seg = np.zeros((9, 11, 13), np.uint64)
        seg[1:3, 2:5, 1:4] = 7; seg[6:9, 8:11, 9:12] = 2**60 + 3; seg[4, 0, 12] = 12
        np.save(sys.argv[1] + '/seg.npy', seg)
        pts = np.concatenate([rng.integers(0, (9, 11, 13), (25, 3)), [[1, 2, 1], [20, 0, 0], [4, 5.5, 6.25]]])
        np.savetxt(sys.argv[1] + '/points.csv', pts, delimiter=',', header='z,y,x', comments='')
        """;

    private const string BruteForce = """
        import sys, json, numpy as np
        seg = np.load(sys.argv[1]); pts = np.loadtxt(sys.argv[2], delimiter=',', skiprows=1); s = np.array(json.loads(sys.argv[3]))
        obj = np.argwhere(seg > 0); out = []
        for p in pts:
            if np.any(p < 0) or np.any(p >= seg.shape):
                out.append([[0], 'inf']); continue
            d = np.sqrt((((obj - np.floor(p)) * s) ** 2).sum(1)); m = d.min()
            out.append([sorted({int(seg[tuple(o)]) for o in obj[np.abs(d - m) <= 1e-5 * max(m, 1)]}), float(np.float32(m))])
        print(json.dumps(out))
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-points-").FullName;

    public MapPointsCommandTests()
    {
        Python.Run(MakeInput, _folder);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string P(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("local", "4,5,6", "1,1,1")]
    [InlineData("subprocess", "5,3,7", "2,1,1.5")]
    public void Nearest_objects_equal_brute_force_when_the_halo_covers_the_volume(string jobType, string blocks, string sampling)
    {
        string csv = P("mapped.csv");
        var (code, output, error) = CliTests.Run("map-points", P("seg.npy"), P("points.csv"), "--block-shape", blocks, "--halo", "13", "--sampling", sampling, "--job-type", jobType, "--workers", "2", "--csv", csv, "--json");
        Assert.True(code == 0, error);
        var result = JsonDocument.Parse(output).RootElement;
        var expected = JsonDocument.Parse(Python.Run(BruteForce, P("seg.npy"), P("points.csv"), "[" + sampling + "]")).RootElement.EnumerateArray().ToArray();
        var ids = result.GetProperty("objectIds").EnumerateArray().Select(i => i.GetDecimal()).ToArray();
        var distances = result.GetProperty("objectDistances").EnumerateArray().Select(d => d.ValueKind == JsonValueKind.String ? float.Parse(d.GetString()!, CultureInfo.InvariantCulture) : d.GetSingle()).ToArray();
        Assert.Equal(expected.Length, ids.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Contains(ids[i], expected[i][0].EnumerateArray().Select(e => e.GetDecimal()));
            float want = expected[i][1].ValueKind == JsonValueKind.String ? float.PositiveInfinity : (float)expected[i][1].GetDouble();
            Assert.True(want == distances[i] || Math.Abs(want - distances[i]) <= 1e-6 * want, $"point {i}: expected {want}, got {distances[i]}");
        }

        Assert.Equal(0, distances[25]);
        Assert.Equal(7m, ids[25]);
        Assert.True(float.IsPositiveInfinity(distances[26]) && ids[26] == 0);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("z,y,x,object_id,distance", lines[0]);
        Assert.Equal("20,0,0,0,inf", lines[27]);
        Assert.Contains(lines, l => l.Contains("1152921504606846979", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_a_halo_each_block_maps_its_own_points_and_bad_points_are_usage_errors()
    {
        var (code, output, error) = CliTests.Run("map-points", P("seg.npy"), P("points.csv"), "--block-shape", "4,5,6", "--json");
        Assert.True(code == 0, error);
        var local = JsonDocument.Parse(output).RootElement.GetProperty("objectDistances").EnumerateArray().Select(d => d.ToString()).ToArray();
        (code, output, error) = CliTests.Run("map-points", P("seg.npy"), P("points.csv"), "--block-shape", "4,5,6", "--json", "--job-type", "subprocess", "--workers", "2");
        Assert.True(code == 0, error);
        Assert.Equal(local, JsonDocument.Parse(output).RootElement.GetProperty("objectDistances").EnumerateArray().Select(d => d.ToString()));
        Assert.Contains("Infinity", local);

        File.WriteAllText(P("flat.csv"), "1,2\n");
        (code, _, error) = CliTests.Run("map-points", P("seg.npy"), P("flat.csv"));
        Assert.Equal(2, code);
        Assert.Contains("3 coordinates", error, StringComparison.Ordinal);
        File.WriteAllText(P("words.csv"), "z,y,x\n1,a,2\n");
        (code, _, error) = CliTests.Run("map-points", P("seg.npy"), P("words.csv"));
        Assert.Equal(2, code);
        Assert.Contains("line 2", error, StringComparison.Ordinal);
    }
}
