using System.Text.Json.Serialization;
using BioImage.Runners;

namespace BioImage.Blockwise;

/// <summary>
/// One call of <c>bk_blockwise_run</c>: a verb on files with the options of the bioimage CLI, in snake_case as the
/// Python functions name them. <see cref="Verb"/> is <c>copy</c>, <c>filter</c> (with <see cref="Filter"/>) or
/// <c>label</c> (any name with <see cref="ResumeFrom"/>: the kept run's record names the verb); keys a verb does not
/// take are refused by <see cref="BlockwiseRun"/>, unknown keys by the parser.
/// </summary>
internal sealed record BlockwiseRequest
{
    public required string Verb { get; init; }

    public string? Input { get; init; }

    public string? InputKey { get; init; }

    public string? Output { get; init; }

    public string? OutputKey { get; init; }

    // The run (bioimage-py's runner arguments).
    public long[]? BlockShape { get; init; }

    public int? NumWorkers { get; init; }

    public string? JobType { get; init; }

    public long[]? BlockIds { get; init; }

    public string? ResumeFrom { get; init; }

    public string? TmpRoot { get; init; }

    public string? Mask { get; init; }

    public string? MaskKey { get; init; }

    public SlurmConfig? Slurm { get; init; }

    public bool Progress { get; init; }

    // A new output's storage.
    public int[]? Chunks { get; init; }

    public int[]? Shards { get; init; }

    public string? Codec { get; init; }

    public int? ZarrFormat { get; init; }

    public bool Overwrite { get; init; }

    // The verbs' own parameters.
    public string? Dtype { get; init; }

    public double? Threshold { get; init; }

    public long[]? Resize { get; init; }

    public int? Order { get; init; }

    public bool AntiAliasing { get; init; }

    public string? Filter { get; init; }

    public double[]? Sigma { get; init; }

    public double[]? OuterScale { get; init; }

    public int? ReturnChannel { get; init; }

    public int? Connectivity { get; init; }
}

/// <summary>The request's JSON: source-generated (no reflection), snake_case, unknown keys refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(BlockwiseRequest))]
internal sealed partial class BlockwiseJson : JsonSerializerContext;
