using System.Text.Json;
using System.Text.Json.Serialization;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>run.json</c>, the record of a distributed operation run, written into its private run folder before the first
/// pass starts: everything a resume or a reattach needs to finish the run exactly as it began — the operation (type,
/// assembly, parameters), the specs of its inputs, outputs and mask, and the blocking and backend. The run folder
/// also holds <c>passes/&lt;k&gt;/</c> (the task files of pass k), <c>passes/&lt;k&gt;.json</c> (its results, once
/// complete) and <c>scratch/</c>; it is deleted when the run succeeds and kept when it fails.
/// </summary>
internal sealed record RunRecord(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("verb")] string Verb,
    [property: JsonPropertyName("operation")] OperationSpec Operation,
    [property: JsonPropertyName("inputs")] SourceSpec[] Inputs,
    [property: JsonPropertyName("outputs")] SourceSpec[] Outputs,
    [property: JsonPropertyName("mask")] SourceSpec? Mask,
    [property: JsonPropertyName("blockShape")] long[] BlockShape,
    [property: JsonPropertyName("roiBegin")] long[]? RoiBegin,
    [property: JsonPropertyName("roiEnd")] long[]? RoiEnd,
    [property: JsonPropertyName("blockIds")] long[]? BlockIds,
    [property: JsonPropertyName("jobType")] JobType JobType,
    [property: JsonPropertyName("workers")] int Workers,
    [property: JsonPropertyName("tmpRoot")] string? TmpRoot)
{
    public const int CurrentVersion = 1;

    private const string FileName = "run.json";

    private static readonly JsonSerializerOptions Json = CoreJson.WithResolver(new(Manifest.Json) { Converters = { new JsonStringEnumConverter<JobType>() } }, OperationsJsonContext.Default);

    /// <summary>True when <paramref name="folder"/> holds a run record.</summary>
    public static bool IsRunFolder(string folder) => File.Exists(Path.Combine(folder, FileName));

    public void Write(string folder) => TaskFolder.WriteAtomically(Path.Combine(folder, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Json.Info<RunRecord>()));

    /// <summary>Reads the record of a kept run folder after checking that nobody else owns or can write it.</summary>
    /// <exception cref="ArgumentException">The folder is not the run folder of an operation (the message says what it is).</exception>
    public static RunRecord Read(string folder)
    {
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new ArgumentException($"{full} does not exist; give the temp folder that the failed run named.", nameof(folder));
        }

        if (!IsRunFolder(full))
        {
            throw new ArgumentException($"{full} is not the temp folder of a bioimage run (no {FileName}).", nameof(folder));
        }

        FolderSecurity.RequirePrivate(full);
        var record = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(full, FileName)), Json.Info<RunRecord>())
            ?? throw new InvalidDataException($"{Path.Combine(full, FileName)} is empty.");
        return record.Version == CurrentVersion
            ? record
            : throw new InvalidDataException($"{Path.Combine(full, FileName)} has version {record.Version}; this bioimage reads version {CurrentVersion}.");
    }
}
