using System.CommandLine;
using System.Globalization;
using BioImage.Operations;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Cli;

/// <summary>
/// What the relabelling verbs (relabel-consecutive, size-filter) share: INPUT, OUTPUT and their keys, the output's
/// --dtype (default the input's) and storage settings, the run settings, and the --json summary of the mapping.
/// </summary>
internal sealed class LabelVerb
{
    private readonly Argument<string> _input = CommonOptions.Input();
    private readonly Argument<string> _output = CommonOptions.Output();
    private readonly Option<string?> _inputKey = CommonOptions.InputKey();
    private readonly Option<string?> _outputKey = CommonOptions.OutputKey();
    private readonly Option<DType> _dtype = CommonOptions.DType("Integer element type of OUT (default: the input's).");
    private readonly OutputSettings _outputSettings = new();
    private readonly RunSettings _run = new();
    private readonly Option<bool> _json = CommonOptions.Json();

    /// <summary>Adds the shared arguments and options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(_input);
        command.Arguments.Add(_output);
        foreach (var option in new Option[] { _inputKey, _outputKey, _dtype, _json })
        {
            command.Options.Add(option);
        }

        _outputSettings.AddTo(command);
        _run.AddTo(command);
    }

    /// <summary>
    /// Opens INPUT, creates OUTPUT, runs <paramref name="relabel"/> (input, output, run options) with blocks defaulting
    /// to OUTPUT's chunks and reports the verb's summary: the mapping's label count and largest label plus the verb's own fields.
    /// </summary>
    public int Run(ParseResult parse, string verb, Func<ISource, ISource, RunOptions, (LabelMapping Mapping, IReadOnlyDictionary<string, object> Extra, string Text)> relabel, CancellationToken cancellation)
    {
        var source = Source.Open(parse.GetRequiredValue(_input), parse.GetValue(_inputKey));
        var dtype = parse.GetResult(_dtype) is null ? source.DType : parse.GetValue(_dtype);
        if (!source.DType.IsInteger() && source.DType != DType.Bool)
        {
            throw new UsageException($"{verb} needs an integer label volume; {parse.GetRequiredValue(_input)} holds {source.DType.NumpyName()}.");
        }

        if (!dtype.IsInteger())
        {
            throw new UsageException($"--dtype must be an integer type for {verb}; got {dtype.NumpyName()}.");
        }

        int rank = source.Shape.Count;
        var options = _run.Read(parse, rank, cancellation);
        string outputPath = parse.GetRequiredValue(_output);
        var target = _outputSettings.Create(parse, outputPath, parse.GetValue(_outputKey), source.Shape, dtype, source.Chunks);
        options = options with { BlockShape = options.BlockShape ?? target.Chunks };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (mapping, extra, text) = relabel(source, target, options);
        double seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        var summary = new Dictionary<string, object?>
        {
            ["input"] = parse.GetRequiredValue(_input),
            ["output"] = outputPath,
            ["outputKey"] = parse.GetValue(_outputKey),
            ["shape"] = source.Shape,
            ["dtype"] = dtype.NumpyName(),
            ["labels"] = mapping.Count,
            ["maxLabel"] = mapping.MaxLabel,
        };
        foreach (var (name, value) in extra)
        {
            summary[name] = value;
        }

        summary["seconds"] = seconds;
        CliJson.Report(parse, _json, summary, string.Create(CultureInfo.InvariantCulture, $"{verb} {summary["input"]} → {outputPath}: {dtype.NumpyName()} ({string.Join(", ", source.Shape)}), {text} in {seconds} s"));
        return BioImageCommand.Success;
    }
}
