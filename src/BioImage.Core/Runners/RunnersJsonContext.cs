using System.Text.Json.Serialization;

namespace BioImage.Runners;

/// <summary>The source-generated JSON metadata of the runners' files: manifests, task timings, Slurm submissions (see <see cref="CoreJson"/>).</summary>
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(TaskTimings))]
[JsonSerializable(typeof(List<SlurmLauncher.Submission>))]
internal sealed partial class RunnersJsonContext : JsonSerializerContext;
