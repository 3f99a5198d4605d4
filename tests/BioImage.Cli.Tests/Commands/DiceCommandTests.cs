using System.Text.Json;

namespace BioImage.Cli.Tests.Commands;

/// <summary>
/// <c>bioimage dice</c> as a user runs it on odd 9×11×13 volumes of many dtypes (float32 and float64 probability
/// maps, bool, uint8, int16 with negative values, int64, uint64 above 2^53), thresholded or raw (soft dice), with and
/// without a mask, with blocks that divide no axis, against numpy's float64 sums of bioimage-py's formula at test time;
/// block-wise equals the whole volume within 1e-12 on local threads, worker processes and Slurm; a fully masked run
/// is 0; bad thresholds and inputs exit 2 naming them.
/// </summary>
[Collection(nameof(CliEnvironment))]
public sealed class DiceCommandTests : IDisposable
{
    private const string MakeInputs = """
        import sys, numpy as np
        rng = np.random.default_rng(11)
        f, shape = sys.argv[1], (9, 11, 13)
        prob = rng.random(shape).astype(np.float32)
        prob.flat[::7] = np.float32(0.1)  # float32(0.1) > 0.1 is false in numpy (compared in float32)
        np.save(f + "/prob32.npy", prob)
        np.save(f + "/prob64.npy", rng.random(shape))
        np.save(f + "/bool.npy", rng.random(shape) > 0.4)
        np.save(f + "/uint8.npy", rng.integers(0, 6, shape, dtype=np.uint8))
        np.save(f + "/int16.npy", rng.integers(-3, 4, shape).astype(np.int16))
        np.save(f + "/int64.npy", rng.integers(-2, 3, shape).astype(np.int64))
        np.save(f + "/uint64.npy", (rng.integers(0, 3, shape).astype(np.uint64) * np.uint64(2**60)) + np.uint64(1))
        np.save(f + "/mask.npy", rng.random(shape) > 0.3)
        np.save(f + "/empty.npy", np.zeros(shape, np.uint8))
        np.save(f + "/small.npy", np.zeros((9, 11, 12), np.uint8))
        """;

    /// <summary>bioimage-py's dice_score on whole arrays: thresholds as the CLI got them (an integer literal is a Python int).</summary>
    private const string Oracle = """
        import sys, json, numpy as np
        def threshold(text):
            if text == "none":
                return None
            try:
                return int(text)
            except ValueError:
                return float(text)
        seg, gt = np.load(sys.argv[1]), np.load(sys.argv[2])
        ts, tg = threshold(sys.argv[3]), threshold(sys.argv[4])
        if sys.argv[5] != "-":
            m = np.load(sys.argv[5]).astype(bool)
            seg, gt = seg[m], gt[m]
        a = (seg if ts is None else seg > ts).astype("float64")
        b = (gt if tg is None else gt > tg).astype("float64")
        both, sa, sb = float(np.sum(a * b)), float(np.sum(a)), float(np.sum(b))
        print(json.dumps({"dice": 2.0 * both / (sa + sb + 1e-7), "intersection": both, "segSum": sa, "gtSum": sb}))
        """;

    private static readonly string[] Fields = ["dice", "intersection", "segSum", "gtSum"];

    private readonly string _folder = Directory.CreateTempSubdirectory("bioimage-cli-dice-").FullName;

    public DiceCommandTests() => Python.Run(MakeInputs, _folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string, string, string, bool> Cases() => new()
    {
        { "prob32", "bool", "0.1", "0", false },
        { "prob32", "prob64", "none", "none", true },
        { "uint8", "int16", "2", "-1", false },
        { "int16", "int64", "0", "none", true },
        { "uint64", "int64", "1152921504606846976", "0", false },
        { "prob64", "uint8", "0.5", "none", false },
        { "bool", "uint8", "0", "0", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Dice_equals_numpy_block_wise_and_whole(string seg, string gt, string thresholdSeg, string thresholdGt, bool masked)
    {
        string mask = masked ? In("mask") : "-";
        var expected = JsonDocument.Parse(Python.Run(Oracle, In(seg), In(gt), thresholdSeg, thresholdGt, mask)).RootElement;
        string[] common = ["dice", In(seg), In(gt), $"--threshold-seg={thresholdSeg}", $"--threshold-gt={thresholdGt}", "--json", .. masked ? new[] { "--mask", mask } : []];
        var whole = Dice([.. common, "--block-shape", "9,11,13", "--workers", "1"]);
        var blocks = Dice([.. common, "--block-shape", "4,5,6", "--workers", "2"]);
        foreach (string field in Fields)
        {
            AssertClose(expected.GetProperty(field).GetDouble(), whole.GetProperty(field).GetDouble(), $"{field} of the whole volume");
            AssertClose(expected.GetProperty(field).GetDouble(), blocks.GetProperty(field).GetDouble(), $"{field} block-wise");
        }
    }

    [Fact]
    public void Worker_processes_and_Slurm_give_the_local_sums()
    {
        string[] common = ["dice", In("prob32"), In("prob64"), "--threshold-seg", "none", "--threshold-gt", "0.25", "--mask", In("mask"), "--block-shape", "4,5,6", "--json", "--tmp-root", Path.Combine(_folder, "tmp")];
        var local = Dice([.. common, "--workers", "2"]);
        var expected = JsonDocument.Parse(Python.Run(Oracle, In("prob32"), In("prob64"), "none", "0.25", In("mask"))).RootElement;
        foreach (string backend in new[] { "subprocess", "slurm" })
        {
            var distributed = Dice([.. common, "--job-type", backend, "--workers", "3"]);
            foreach (string field in Fields)
            {
                Assert.Equal(local.GetProperty(field).GetDouble(), distributed.GetProperty(field).GetDouble());
                AssertClose(expected.GetProperty(field).GetDouble(), distributed.GetProperty(field).GetDouble(), $"{field} on {backend}");
            }
        }
    }

    [Fact]
    public void A_fully_masked_run_is_0_and_block_ids_count_their_blocks()
    {
        var none = Dice(["dice", In("prob32"), In("bool"), "--mask", In("empty"), "--block-shape", "4,5,6", "--json"]);
        Assert.Equal(0.0, none.GetProperty("dice").GetDouble());
        Assert.Equal(0.0, none.GetProperty("segSum").GetDouble());

        // Block 0 is the box [0, 4) × [0, 5) × [0, 6): 120 voxels, all foreground with threshold -1 on uint8.
        var first = Dice(["dice", In("uint8"), In("uint8"), "--threshold-seg=-1", "--threshold-gt=-1", "--block-shape", "4,5,6", "--block-ids", "0", "--json"]);
        Assert.Equal(120.0, first.GetProperty("segSum").GetDouble());
        Assert.Equal(120.0 * 2 / (240 + 1e-7), first.GetProperty("dice").GetDouble());

        var (code, text, _) = CliTests.Run("dice", In("uint8"), In("int16"), "--block-shape", "4,5,6");
        Assert.Equal(0, code);
        Assert.Matches(@": dice 0\.\d+  \(Σab \d+, Σa \d+, Σb \d+\)", text);
    }

    [Theory]
    [InlineData("--threshold-seg: 'x' is not a number or 'none'", "--threshold-seg", "x")]
    [InlineData("--threshold-gt: 'nan' is not a number or 'none'", "--threshold-gt", "nan")]
    [InlineData("has shape (9, 11, 12) but input 1", "GT", "small")]
    public void Bad_arguments_exit_2_naming_them(string message, string option, string value)
    {
        string[] args = option == "GT" ? ["dice", In("uint8"), In(value)] : ["dice", In("uint8"), In("int16"), option, value];
        var (code, output, error) = CliTests.Run(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_helps_say_how_dice_and_evaluate_dice_relate()
    {
        Assert.Contains("'evaluate --metrics dice' is the same score with both thresholds 0", CliTests.Run("dice", "--help").Output, StringComparison.Ordinal);
        Assert.Contains("'bioimage dice'", CliTests.Run("evaluate", "--help").Output, StringComparison.Ordinal);
    }

    private static JsonElement Dice(string[] args)
    {
        var (code, output, error) = CliTests.Run(args);
        Assert.True(code == 0, $"exit {code}: {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");

    private string In(string name) => Path.Combine(_folder, name + ".npy");
}
