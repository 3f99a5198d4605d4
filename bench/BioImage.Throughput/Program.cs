using System.CommandLine;
using System.CommandLine.Parsing;
using BioImage;
using BioImage.Throughput;
using BioImage.Throughput.Gate;
using BioImage.Throughput.Ops;

// The throughput harness: `measure` for bench/compare.sh, `gate` for bench/gate.sh. Exit codes: 0 success,
// 1 the gate failed, 2 bad arguments or missing baseline (one line on stderr).
var shape = new Option<int[]>("--shape") { Description = "Volume extents Z,Y,X (default 256,256,256).", HelpName = "Z,Y,X", CustomParser = ParseList(int.Parse) };
var workDir = new Option<string>("--workdir") { Description = "Folder for the sample .npy files.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "bioimage-compare") };
var ops = new Option<string[]>("--ops") { Description = "Ops to run (default: all).", CustomParser = ParseList(s => s) };
var dtypes = new Option<string[]>("--dtypes") { Description = "Element types (default: each op's own).", CustomParser = ParseList(s => s) };
var warmUp = new Option<int>("--warmup-ms") { Description = "Warm-up per measurement, in milliseconds.", DefaultValueFactory = _ => 300 };
var bandwidthMiB = new Option<int>("--bandwidth-mib") { Description = "Size of each array of the memory-copy reference.", DefaultValueFactory = _ => 256 };
var samples = Samples(7);
var measure = new Command("measure", "Write the sample data, then time the memory bandwidth and every op on 1 and all threads; prints JSON.")
{
    shape, samples, workDir, ops, dtypes, warmUp, bandwidthMiB,
};
measure.SetAction(parse => MeasureCommand.Run(
    new MeasureCommand.Options(
        parse.GetRequiredValue(workDir),
        RequireShape(parse.GetValue(shape)),
        OpRegistry.Select(parse.GetValue(ops) ?? []),
        parse.GetValue(dtypes) is { Length: > 0 } names ? [.. names.Select(DTypes.Parse)] : null,
        parse.GetValue(samples),
        TimeSpan.FromMilliseconds(parse.GetValue(warmUp)),
        parse.GetValue(bandwidthMiB)),
    parse.InvocationConfiguration.Output,
    parse.InvocationConfiguration.Error));

var baseline = new Option<string>("--baseline") { Description = "The baseline file.", Required = true };
var update = new Option<bool>("--update-baseline") { Description = "Measure every kernel (median of 3) and rewrite the baseline instead of checking." };
var only = new Option<string[]>("--only") { Description = "Check only these kernels (op/dtype).", CustomParser = ParseList(s => s) };
var slow = new Option<string?>("--slow-kernel") { Description = $"Self-test: run this kernel (op/dtype) {GateCommand.SlowdownFactor}× per measured run; the gate must then fail it." };
var gateSamples = Samples(15);
var gate = new Command("gate", "Check every kernel's normalized speed against the committed baseline.")
{
    baseline, update, only, slow, gateSamples,
};
gate.SetAction(parse => GateCommand.Run(
    new GateCommand.Options(
        parse.GetRequiredValue(baseline),
        parse.GetValue(update),
        parse.GetValue(only) ?? [],
        parse.GetValue(slow),
        parse.GetValue(gateSamples)),
    parse.InvocationConfiguration.Output));

var root = new RootCommand("BioImage throughput harness (bench/compare.sh, bench/gate.sh).") { measure, gate };
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine("error: " + string.Join("; ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" "))));
    return 2;
}

try
{
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception exception) when (exception is ArgumentException or FileNotFoundException)
{
    Console.Error.WriteLine("error: " + exception.Message.ReplaceLineEndings(" "));
    return 2;
}

static Option<int> Samples(int fallback) => new("--samples") { Description = "Timed samples per measurement.", DefaultValueFactory = _ => fallback };

static int[] RequireShape(int[]? shape) => shape switch
{
    null or [] => [256, 256, 256],
    [> 0, > 0, > 0] => shape,
    _ => throw new ArgumentException($"--shape needs three positive extents Z,Y,X; got {string.Join(',', shape)}."),
};

static Func<ArgumentResult, T[]?> ParseList<T>(Func<string, T> parse) => result =>
{
    try
    {
        return [.. result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(parse)];
    }
    catch (FormatException exception)
    {
        result.AddError($"{result.Parent?.ToString() ?? "option"}: {exception.Message}");
        return null;
    }
};
