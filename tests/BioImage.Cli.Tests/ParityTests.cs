using System.Text.Json.Nodes;
using BioImage.Testing;

namespace BioImage.Cli.Tests;

/// <summary>
/// Every verb through the command line on local threads, worker processes and the real Slurm cluster: the outputs are
/// identical file for file (every chunk and metadata document, byte for byte) and the reports are identical in every
/// field but the time and the output paths. Inputs are made by numpy at test time.
/// </summary>
[Collection(nameof(CliEnvironment))]
public sealed class ParityTests : IDisposable
{
    private const string MakeInputs = """
        import sys, numpy as np
        from scipy import ndimage as ndi
        rng = np.random.default_rng(7)
        f = sys.argv[1]
        raw = ndi.gaussian_filter(rng.random((16, 24, 20)), 2).astype(np.float32)
        np.save(f + '/raw.npy', raw)
        fg = raw > np.quantile(raw, 0.6)
        np.save(f + '/foreground.npy', fg)
        labels, _ = ndi.label(fg)
        np.save(f + '/labels.npy', labels.astype(np.uint32))
        seeds = np.zeros(raw.shape, np.uint32); seeds[4, 5, 6] = 3; seeds[12, 18, 14] = 9; seeds[8, 2, 17] = 4
        np.save(f + '/seeds.npy', seeds)
        np.save(f + '/mask.npy', (rng.random(raw.shape) > 0.1))
        np.save(f + '/boundaries.npy', (1 - fg).astype(np.float32))
        np.savetxt(f + '/points.csv', rng.integers(0, raw.shape, (40, 3)), delimiter=',', fmt='%d')
        """;

    private static readonly string[] Backends = ["local", "subprocess", "slurm"];

    private readonly string _folder = Directory.CreateTempSubdirectory("cli-parity-").FullName;

    public ParityTests() => Python.Run(MakeInputs, _folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Verb arguments; IN(name) is an input of the folder, OUT the output (absent for reduce verbs).</summary>
    public static TheoryData<string, string[]> Verbs() => new()
    {
        { "copy", ["copy", "IN:raw.npy", "OUT.zarr", "--dtype", "float64", "--mask", "IN:mask.npy"] },
        { "filter", ["filter", "gaussian-smoothing", "IN:raw.npy", "OUT.zarr", "--sigma", "1.5", "--mask", "IN:mask.npy"] },
        { "filter-channels", ["filter", "hessian-of-gaussian-eigenvalues", "IN:raw.npy", "OUT.zarr", "--sigma", "1"] },
        { "downsample", ["downsample", "IN:raw.npy", "OUT.zarr", "--factor", "2", "--method", "mean", "--block-shape", "4,4,4"] },
        { "pyramid", ["pyramid", "IN:raw.npy", "OUT.ome.zarr", "--levels", "3"] },
        { "label", ["label", "IN:foreground.npy", "OUT.zarr", "--connectivity", "3", "--dtype", "uint32"] },
        { "size-filter", ["size-filter", "IN:labels.npy", "OUT.zarr", "--min-size", "5", "--mask", "IN:mask.npy"] },
        { "apply", ["apply", "subtract", "IN:raw.npy", "IN:boundaries.npy", "OUT.zarr", "--mask", "IN:mask.npy"] },
        { "isin", ["isin", "IN:labels.npy", "OUT.zarr", "--values", "1,2,3"] },
        { "segmentation-filter", ["segmentation-filter", "IN:labels.npy", "OUT.zarr", "--assembly", Commands.SegmentationFilterCommandTests.SampleLibrary, "--filter", "BioImage.Filters.Sample.LabelFilters.KeepLabels", "--set", "Labels=1,2,3", "--mask", "IN:mask.npy"] },
        { "relabel-consecutive", ["relabel-consecutive", "IN:labels.npy", "OUT.zarr", "--start-label", "1"] },
        { "distance-transform", ["distance-transform", "IN:foreground.npy", "OUT.zarr", "--halo", "4", "--sampling", "2,1,1"] },
        { "watershed", ["watershed", "IN:raw.npy", "IN:seeds.npy", "OUT.zarr", "--halo", "4", "--mask", "IN:mask.npy"] },
        { "dt-watershed", ["dt-watershed", "IN:boundaries.npy", "OUT.zarr", "--halo", "4", "--threshold", "0.5", "--sigma-seeds", "1", "--min-size", "5"] },
        { "stats", ["stats", "IN:raw.npy", "--mask", "IN:mask.npy"] },
        { "unique", ["unique", "IN:labels.npy", "--counts", "--mask", "IN:mask.npy"] },
        { "histogram", ["stats", "IN:raw.npy", "--histogram", "9", "--mask", "IN:mask.npy"] },
        { "unique-floats", ["unique", "IN:boundaries.npy", "--counts"] },
        { "local-maxima", ["local-maxima", "IN:raw.npy", "--min-distance", "2", "--global-thresholds"] },
        { "map-points", ["map-points", "IN:labels.npy", "IN:points.csv", "--halo", "3", "--sampling", "2,1,1"] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Every_backend_writes_the_same_files_and_reports_the_same_fields(string name, string[] arguments)
    {
        (JsonObject Report, Dictionary<string, byte[]> Files)? reference = null;
        foreach (string backend in Backends)
        {
            // One folder per backend, one file name: a pyramid's metadata names its folder.
            string output = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, backend)).FullName, $"{name}{OutputExtension(arguments)}");
            var args = arguments
                .Select(a => a.StartsWith("IN:", StringComparison.Ordinal) ? Path.Combine(_folder, a[3..]) : a.StartsWith("OUT", StringComparison.Ordinal) ? output : a)
                .Concat(["--json", "--zarr-format", "2", "--workers", "2", "--job-type", backend, "--tmp-root", Path.Combine(_folder, "tmp")])
                .ToList();
            if (!arguments.Any(a => a.StartsWith("OUT", StringComparison.Ordinal)))
            {
                args.RemoveRange(args.IndexOf("--zarr-format"), 2); // reduce verbs write no array
            }

            if (!args.Contains("--block-shape"))
            {
                args.AddRange(["--block-shape", "8,8,8"]);
            }

            var (code, stdout, error) = CliTests.Run([.. args]);
            Assert.True(code == 0, $"{name} on {backend}: exit {code}: {error}");
            var report = JsonNode.Parse(stdout)!.AsObject();
            report.Remove("seconds");
            foreach (var array in report["outputs"]!.AsArray())
            {
                array!["path"] = "OUT";
            }

            var files = File.Exists(output)
                ? new Dictionary<string, byte[]> { ["."] = File.ReadAllBytes(output) }
                : Directory.Exists(output)
                    ? Directory.GetFiles(output, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(output, f), File.ReadAllBytes)
                    : [];
            if (reference is not { } expected)
            {
                reference = (report, files);
                continue;
            }

            Assert.Equal(expected.Report.ToJsonString(), report.ToJsonString());
            Assert.Equal(expected.Files.Keys.Order(StringComparer.Ordinal), files.Keys.Order(StringComparer.Ordinal));
            foreach (var (file, bytes) in expected.Files)
            {
                Assert.True(bytes.AsSpan().SequenceEqual(files[file]), $"{name}: {file} differs between local and {backend}");
            }
        }

        Assert.Empty(Directory.Exists(Path.Combine(_folder, "tmp")) ? Directory.GetFileSystemEntries(Path.Combine(_folder, "tmp")) : []);
    }

    private static string OutputExtension(string[] arguments) =>
        arguments.FirstOrDefault(a => a.StartsWith("OUT", StringComparison.Ordinal)) is { } output ? output[3..] : string.Empty;
}
