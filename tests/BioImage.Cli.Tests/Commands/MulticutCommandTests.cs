using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage multicut</c> as a user runs it on a synthetic EM-like volume with known ground truth
/// (scripts/synthetic_em.py: 96³ Voronoi cells of 150 seeds, blurred membranes and noise): supervoxels by the
/// distance-transform watershed, then the hierarchical block-wise multicut; its VI (split, merge) and adapted Rand
/// error against the ground truth (bioimage evaluate) are within 5 % of the single-block (whole-volume) multicut's and
/// better than the supervoxels'; local threads, worker processes and Slurm write the same array bit for bit; bad
/// arguments exit 2 naming the option before any output exists; a boundary map outside [0, 1] exits 1.
/// </summary>
[Collection(nameof(CliEnvironment))]
public sealed class MulticutCommandTests : IClassFixture<MulticutCommandTests.Volume>
{
    private readonly Volume _volume;

    public MulticutCommandTests(Volume volume) => _volume = volume;

    [Fact]
    public void Block_wise_multicut_scores_within_5_percent_of_the_single_block_multicut()
    {
        var single = _volume.Run("single", [_volume.Boundaries, _volume.Supervoxels, "--block-shape", "96,96,96"]);
        var twoLevels = _volume.Run("two-levels", [_volume.Boundaries, _volume.Supervoxels, "--block-shape", "32,32,32", "--levels", "2"]);
        var scores = new Dictionary<string, JsonElement>
        {
            ["one level"] = Evaluate(_volume.BlockWise),
            ["two levels"] = Evaluate(twoLevels),
        };
        var reference = Evaluate(single);
        var supervoxels = Evaluate(_volume.Supervoxels);
        foreach (var (name, score) in scores)
        {
            foreach (string metric in new[] { "viSplit", "viMerge", "adaptedRandError" })
            {
                double blockWise = score.GetProperty(metric).GetDouble(), whole = reference.GetProperty(metric).GetDouble();
                Assert.True(Math.Abs(blockWise - whole) <= 0.05 * whole, $"{name}: {metric} {blockWise} is not within 5 % of the single-block {whole}");
            }
        }

        // The multicut must do real work: it joins the supervoxels that the block faces and the seeds split.
        Assert.True(reference.GetProperty("adaptedRandError").GetDouble() < 0.5 * supervoxels.GetProperty("adaptedRandError").GetDouble(), "the multicut does not improve on its supervoxels");
        Assert.True(reference.GetProperty("viSplit").GetDouble() < 0.5 * supervoxels.GetProperty("viSplit").GetDouble(), "the multicut does not join split supervoxels");
    }

    [Fact]
    public void Local_threads_worker_processes_and_Slurm_write_the_same_segmentation()
    {
        string[] common = [_volume.Boundaries, _volume.Supervoxels, "--block-shape", "32,48,32", "--levels", "2", "--dtype", "uint32", "--tmp-root", _volume.File("tmp")];
        byte[] local = Volume.Bytes(_volume.Run("local", [.. common, "--workers", "2"]));
        foreach (string backend in new[] { "subprocess", "slurm" })
        {
            Assert.Equal(local, Volume.Bytes(_volume.Run(backend, [.. common, "--job-type", backend, "--workers", "3"])));
        }
    }

    [Theory]
    [InlineData("--beta must lie strictly between 0 and 1", "--beta", "1")]
    [InlineData("--weighting must be none, all, xyz or z", "--weighting", "sizes")]
    [InlineData("--solver must be one of", "--solver", "ilp")]
    [InlineData("--levels must be in 0..16", "--levels", "-1")]
    [InlineData("--dtype must be an integer type", "--dtype", "float32")]
    [InlineData("--supervoxels-out and --halo apply only without SUPERVOXELS", "--halo", "4")]
    [InlineData("multicut's SUPERVOXELS", "SUPERVOXELS", "boundaries")]
    [InlineData("has shape (96, 96, 95)", "SUPERVOXELS", "small")]
    public void Bad_arguments_exit_2_naming_them_before_any_output_exists(string message, string option, string value)
    {
        string output = _volume.File($"refused-{Guid.NewGuid():N}.zarr");
        string[] args = option == "SUPERVOXELS"
            ? ["multicut", _volume.Boundaries, value == "small" ? _volume.File("small.npy") : _volume.Boundaries, output]
            : ["multicut", _volume.Boundaries, _volume.Supervoxels, output, option, value];
        var (code, text, error) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Empty(text);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) || File.Exists(output), "a refused run created its output");
    }

    [Fact]
    public void A_boundary_map_outside_0_1_exits_1_naming_it()
    {
        var (code, _, error) = CliTests.Run("multicut", _volume.File("scaled.npy"), _volume.Supervoxels, _volume.File("scaled-out.zarr"), "--quiet");
        Assert.Equal(1, code);
        Assert.Contains("BOUNDARIES must hold boundary probabilities in [0, 1]", error, StringComparison.Ordinal);
    }

    private JsonElement Evaluate(string segmentation)
    {
        var (code, output, error) = CliTests.Run("evaluate", segmentation, _volume.GroundTruth, "--metrics", "vi,rand", "--json", "--quiet");
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    /// <summary>The synthetic volume, its supervoxels and the block-wise segmentation of the full command (made once).</summary>
    public sealed class Volume : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-multicut-").FullName;

        public Volume()
        {
            Python.Run(
                "import runpy, sys, numpy as np\n" +
                "sys.argv = [sys.argv[1], sys.argv[2], '96', '96', '96', '150', '42']\n" +
                "runpy.run_path(sys.argv[0], run_name='__main__')\n" +
                "b = np.load(sys.argv[1] + '/boundaries.npy')\n" +
                "np.save(sys.argv[1] + '/scaled.npy', b * 255)\n" +
                "np.save(sys.argv[1] + '/small.npy', np.zeros((96, 96, 95), np.uint32))\n",
                Path.Combine(RepoPaths.Root, "scripts", "synthetic_em.py"),
                _folder);
            BlockWise = File("blockwise.zarr");
            Supervoxels = File("supervoxels.zarr");
            var (code, _, error) = CliTests.Run("multicut", Boundaries, BlockWise, "--block-shape", "32,32,32", "--supervoxels-out", Supervoxels, "--quiet");
            Assert.True(code == 0, error);
        }

        public string Boundaries => File("boundaries.npy");

        public string GroundTruth => File("groundtruth.npy");

        /// <summary>The dt-watershed supervoxels the full command kept (--supervoxels-out).</summary>
        public string Supervoxels { get; }

        /// <summary>The full command's block-wise segmentation (32³ blocks, one level).</summary>
        public string BlockWise { get; }

        public string File(string name) => Path.Combine(_folder, name);

        /// <summary>Runs <c>bioimage multicut ARGS OUT</c> into a new output named <paramref name="name"/> and returns its path.</summary>
        public string Run(string name, string[] args)
        {
            string output = File($"{name}-{Guid.NewGuid():N}.zarr");
            var (code, _, error) = CliTests.Run(["multicut", .. args.Take(2), output, .. args.Skip(2), "--quiet"]);
            Assert.True(code == 0, error);
            return output;
        }

        /// <summary>The bytes of an array as .npy (bioimage copy), for bit-for-bit comparisons.</summary>
        public static byte[] Bytes(string array)
        {
            string npy = array + ".npy";
            var (code, _, error) = CliTests.Run("copy", array, npy, "--quiet");
            Assert.True(code == 0, error);
            return System.IO.File.ReadAllBytes(npy);
        }

        public void Dispose() => Directory.Delete(_folder, recursive: true);
    }
}
