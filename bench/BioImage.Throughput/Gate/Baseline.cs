using System.Text.Json;
using System.Text.Json.Serialization;

namespace BioImage.Throughput.Gate;

/// <summary>What a kernel's speed is divided by: the one that limits it (decided when the baseline is made).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Reference>))]
internal enum Reference
{
    /// <summary>Memory-bound kernels: the bandwidth of a memory copy (bytes read + written per second).</summary>
    Copy,

    /// <summary>Compute-bound kernels: the speed of <see cref="ComputeLoop"/> (steps per second).</summary>
    Compute,
}

/// <summary>A kernel's baseline: its speed divided by the speed of its <paramref name="Reference"/>.</summary>
/// <param name="Figure">Kernel bytes read + written per second ÷ the reference's speed.</param>
/// <param name="Reference">The reference the figure is relative to.</param>
internal sealed record BaselineFigure(double Figure, Reference Reference);

/// <summary>
/// The committed figures of the regression gate (<c>bench/baseline.json</c>): per kernel (<c>op/dtype</c>) its
/// speed relative to a reference measured in the same process, on inputs of <see cref="InputMiB"/> on <see cref="Machine"/>.
/// Written only by <c>bench/gate.sh --update-baseline</c>, and committed as a reviewed change.
/// </summary>
/// <param name="Machine">Where the baseline was measured.</param>
/// <param name="InputMiB">Size of each kernel's input.</param>
/// <param name="Kernels">Figure per kernel id.</param>
internal sealed record Baseline(Machine Machine, [property: JsonPropertyName("input_mib")] int InputMiB, SortedDictionary<string, BaselineFigure> Kernels)
{
    public static Baseline Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No baseline at {path}; create it with bench/gate.sh --update-baseline and commit it.", path);
        }

        return JsonSerializer.Deserialize<Baseline>(File.ReadAllText(path), Json.Options)
            ?? throw new InvalidDataException($"{path} is empty; recreate it with bench/gate.sh --update-baseline.");
    }

    /// <summary>Writes the baseline atomically (temporary file + rename).</summary>
    public void Save(string path)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json.Options) + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
