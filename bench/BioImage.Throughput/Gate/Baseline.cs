using System.Text.Json;

namespace BioImage.Throughput.Gate;

/// <summary>
/// The committed figures of the regression gate (<c>bench/baseline.json</c>): per kernel (<c>op/dtype</c>) its
/// speed normalized by a memory copy of its input, measured on <see cref="Shape"/> on <see cref="Machine"/>.
/// Written only by <c>bench/gate.sh --update-baseline</c>, and committed as a reviewed change.
/// </summary>
/// <param name="Machine">Where the baseline was measured.</param>
/// <param name="Shape">The volume the kernels ran on.</param>
/// <param name="Kernels">Normalized speed per kernel id.</param>
internal sealed record Baseline(Machine Machine, int[] Shape, SortedDictionary<string, double> Kernels)
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
