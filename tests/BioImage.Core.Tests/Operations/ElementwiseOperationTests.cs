using System.Globalization;
using System.Numerics;
using System.Text.Json;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Core.Tests.Operations;

/// <summary>
/// Block-wise <see cref="ApplyVerb"/> and <see cref="IsInVerb"/> equal numpy 1.24 (elementwise_oracle.py, run at test
/// time) for every operator × dtype, with a scalar (value-based result dtypes), a same-shape array of every dtype, a
/// broadcast array and a mask: result dtype and every value, on blocks that divide no axis, on threads, worker
/// processes and Slurm.
/// </summary>
public sealed class ElementwiseOperationTests : IDisposable
{
    private static readonly long[] Blocks = [3, 4, 5];
    private static readonly JsonSerializerOptions CaseJson = new() { PropertyNameCaseInsensitive = true };
    private readonly OperationFixture _fixture = new("elementwise-ops-");
    private readonly List<Case> _cases;

    public ElementwiseOperationTests()
    {
        string script = Path.Combine(RepoPaths.Root, "tests", "BioImage.Core.Tests", "Operations", "elementwise_oracle.py");
        Python.Run(File.ReadAllText(script), _fixture.Directory);
        _cases = JsonSerializer.Deserialize<List<Case>>(File.ReadAllText(Path.Combine(_fixture.Directory, "cases.json")), CaseJson)!;
    }

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Every_operator_dtype_and_operand_equals_numpy_on_threads()
    {
        Assert.True(_cases.Count > 1500, $"the oracle wrote {_cases.Count} cases");
        var failures = new List<string>();
        foreach (var (item, index) in _cases.Select((c, i) => (c, i)))
        {
            string? failure = Check(item, index, _fixture.Options(JobType.Local, 2, Blocks));
            if (failure is not null)
            {
                failures.Add(failure);
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {_cases.Count} cases differ from numpy:\n{string.Join('\n', failures.Take(20))}");
    }

    [Fact]
    public void Whole_volume_and_block_wise_on_worker_processes_equal_numpy()
    {
        foreach (int index in Sample())
        {
            Assert.Null(Check(_cases[index], index, new RunOptions { Workers = 1 }));
            Assert.Null(Check(_cases[index], index, _fixture.Options(JobType.Subprocess, 2, Blocks)));
        }
    }

    [Fact]
    public void Block_wise_on_slurm_equals_numpy()
    {
        foreach (int index in Sample().Take(4))
        {
            Assert.Null(Check(_cases[index], index, _fixture.Options(JobType.Slurm, 3, Blocks)));
        }
    }

    [Fact]
    public void Block_ids_rewrite_only_their_blocks()
    {
        int index = _cases.FindIndex(c => c is { Operation: "multiply", Scalar: "300" } && c.X == "x_int16.npy");
        var item = _cases[index];
        string output = Path.Combine(_fixture.Directory, "subset.npy");
        NpySource.Create(output, DType.Int16, [7, 9, 11]);
        Executor.Run(Verb(item), Inputs(item), [new ArrayTarget(output)], _fixture.Options(JobType.Local, 1, Blocks) with { BlockIds = [0, 26] });
        var expected = Strings(Source.Open(Path.Combine(_fixture.Directory, item.Expected)));
        var written = Strings(Source.Open(output));
        for (int i = 0; i < expected.Length; i++)
        {
            int z = i / (9 * 11), y = i / 11 % 9, x = i % 11;
            bool inFirstOrLast = (z < 3 && y < 4 && x < 5) || (z >= 6 && y >= 8 && x >= 10);
            Assert.Equal(inFirstOrLast ? expected[i] : "0", written[i]);
        }
    }

    [Fact]
    public void In_place_applies_once_even_when_blocks_run_again()
    {
        var item = _cases.Single(c => c is { Operation: "add", Scalar: "5" } && c.X == "x_int32.npy");
        var expected = Strings(Source.Open(Path.Combine(_fixture.Directory, item.Expected)));
        string Copy(string name)
        {
            string path = Path.Combine(_fixture.Directory, name);
            File.Copy(Path.Combine(_fixture.Directory, item.X), path);
            return path;
        }

        var x = Source.Open(Copy("inplace.npy"), mode: "r+");
        Executor.Run(new ApplyVerb { Operator = ElementwiseOperator.Add, Scalar = "5", InPlace = true }, [x], [x], _fixture.Options(JobType.Subprocess, 2, Blocks));
        Assert.Equal(expected, Strings(Source.Open(x.Spec!.Path)));

        // A block that runs again after its write (a resumed task) computes from the operand it saved, not from its own result.
        var again = Source.Open(Copy("twice.npy"), mode: "r+");
        var step = new ApplyOperation { Operator = ElementwiseOperator.Add, ComputeDType = DType.Int32, Scalar = "5", Originals = Directory.CreateDirectory(Path.Combine(_fixture.Directory, "originals")).FullName };
        Runner.Run(step, [again], [again], _fixture.Options(JobType.Local, 2, Blocks));
        Runner.Run(step, [again], [again], _fixture.Options(JobType.Local, 2, Blocks));
        Assert.Equal(expected, Strings(Source.Open(again.Spec!.Path)));

        // x + x in place: the re-run reads both operands from the saved values (closed form: each value doubled, wrapping).
        var doubled = Source.Open(Copy("doubled.npy"), mode: "r+");
        var sum = new ApplyOperation { Operator = ElementwiseOperator.Add, ComputeDType = DType.Int32, Originals = Directory.CreateDirectory(Path.Combine(_fixture.Directory, "originals-sum")).FullName };
        Runner.Run(sum, [doubled, doubled], [doubled], _fixture.Options(JobType.Local, 2, Blocks));
        Runner.Run(sum, [doubled, doubled], [doubled], _fixture.Options(JobType.Local, 2, Blocks));
        using var original = BioImage.Storage.NpyFile.Read<int>(Path.Combine(_fixture.Directory, item.X));
        Assert.Equal(original.ToArray().Select(v => unchecked(v + v).ToString(CultureInfo.InvariantCulture)), Strings(Source.Open(doubled.Spec!.Path)));

        var notAsked = Assert.Throws<OperationRefusedException>(() => Executor.Run(new ApplyVerb { Operator = ElementwiseOperator.Add, Scalar = "100000", InPlace = false }, [x], [x], new RunOptions()));
        Assert.Contains("needs an output other than its input", notAsked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_operands_are_refused_naming_the_problem()
    {
        var x = Source.Open(Path.Combine(_fixture.Directory, "x_uint8.npy"));
        var wrong = Source.Open(Path.Combine(_fixture.Directory, "b_uint8_add.npy"));
        string Refusal(Operation operation, params ISource[] inputs) =>
            Assert.Throws<OperationRefusedException>(() => Executor.Run(operation, inputs, [new ArrayTarget(Path.Combine(_fixture.Directory, "refused.npy"))], new RunOptions())).Message;

        var narrow = NpySource.Create(Path.Combine(_fixture.Directory, "narrow.npy"), DType.Float32, [7, 2, 11]);
        Assert.Contains("does not broadcast to x's shape (7, 9, 11)", Refusal(new ApplyVerb { Operator = ElementwiseOperator.Add }, x, narrow), StringComparison.Ordinal);
        Assert.Contains("not both", Refusal(new ApplyVerb { Operator = ElementwiseOperator.Add, Scalar = "1" }, x, wrong), StringComparison.Ordinal);
        Assert.Contains("--scalar: 'abc' is not a number", Refusal(new ApplyVerb { Operator = ElementwiseOperator.Add, Scalar = "abc" }, x), StringComparison.Ordinal);
        Assert.Contains("outside the integer range", Refusal(new ApplyVerb { Operator = ElementwiseOperator.Add, Scalar = "18446744073709551616" }, x), StringComparison.Ordinal);
        var flags = Source.Open(Path.Combine(_fixture.Directory, "x_bool.npy"));
        Assert.Contains("subtract is not defined on two bool operands", Refusal(new ApplyVerb { Operator = ElementwiseOperator.Subtract }, flags, flags), StringComparison.Ordinal);
        Assert.Contains("at least one test value", Refusal(new IsInVerb(), x), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ElementwiseOperators.Parse("power"));
        Assert.False(File.Exists(Path.Combine(_fixture.Directory, "refused.npy")));
    }

    /// <summary>A scalar, a same-shape, a broadcast and an isin case, and a masked one.</summary>
    private IEnumerable<int> Sample() =>
    [
        _cases.FindIndex(c => c is { Operation: "add", Scalar: "300" } && c.X == "x_uint8.npy"),
        _cases.FindIndex(c => c is { Operation: "divide", Masked: false } && c.X == "x_int32.npy" && c.Y == "y_float32.npy"),
        _cases.FindIndex(c => c is { Operation: "less_equal", Masked: true } && c.X == "x_float64.npy" && c.Y!.StartsWith("b_", StringComparison.Ordinal)),
        _cases.FindIndex(c => c is { Operation: "isin", Masked: true } && c.X == "x_uint64.npy"),
        _cases.FindIndex(c => c is { Operation: "maximum", Scalar: "nan" } && c.X == "x_float32.npy"),
    ];

    private string? Check(Case item, int index, RunOptions options)
    {
        string output = Path.Combine(_fixture.Directory, $"out_{index}_{options.JobType}.npy");
        var inputs = Inputs(item);
        Executor.Run(Verb(item), inputs, [new ArrayTarget(output)], options with { Mask = item.Masked ? Source.Open(Path.Combine(_fixture.Directory, "mask.npy")) : null });
        var written = Source.Open(output);
        string label = $"{item.Operation}({item.X}, {item.Y ?? item.Scalar ?? string.Join(',', item.Values ?? [])}){(item.Masked ? " masked" : "")}";
        if (written.DType.NumpyName() != item.DType)
        {
            return $"{label}: dtype {written.DType.NumpyName()}, numpy {item.DType}";
        }

        var expected = Strings(Source.Open(Path.Combine(_fixture.Directory, item.Expected)));
        var actual = Strings(written);
        int first = Enumerable.Range(0, expected.Length).FirstOrDefault(i => expected[i] != actual[i], -1);
        File.Delete(output);
        return first < 0 ? null : $"{label}: voxel {first} is {actual[first]}, numpy {expected[first]}";
    }

    private static Operation Verb(Case item) => item.Operation == "isin"
        ? new IsInVerb { Values = item.Values! }
        : new ApplyVerb { Operator = ElementwiseOperators.Parse(item.Operation), Scalar = item.Scalar };

    private ISource[] Inputs(Case item)
    {
        var x = Source.Open(Path.Combine(_fixture.Directory, item.X));
        return item.Y is null ? [x] : [x, Source.Open(Path.Combine(_fixture.Directory, item.Y))];
    }

    /// <summary>Every voxel as an invariant string: integers exactly, floats round-trip with −0 as 0 and every NaN as NaN.</summary>
    private static string[] Strings(ISource source) => source.DType.Dispatch(new ReadStrings(source));

    private sealed class ReadStrings(ISource source) : IDTypeFunc<string[]>
    {
        public string[] Invoke<T>()
            where T : unmanaged, INumber<T>
        {
            using var data = BlockData.Read<T>(source, Region.FromShape([.. source.Shape]));
            return [.. data.ToArray().Select(v => T.IsZero(v) ? "0" : v.ToString("R", CultureInfo.InvariantCulture))];
        }
    }

    private sealed record Case(string Operation, string X, string? Y, string? Scalar, string[]? Values, bool Masked, string DType, string Expected);
}
