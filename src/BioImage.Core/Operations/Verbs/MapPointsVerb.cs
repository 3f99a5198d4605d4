using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>map-points</c> (bioimage-py's <c>map_points_to_objects</c>): for every point, the id of the nearest object of a
/// segmentation and the Euclidean distance to it (0 inside an object; in <see cref="Sampling"/> units), block-wise with
/// <see cref="Halo"/> (<see cref="MapPointsOperation"/>). Points seen by several blocks keep the smallest distance,
/// the lowest block id on a tie; a point no block maps (outside the volume, or no object within its blocks' reach)
/// gets id 0 at distance ∞. Exact where the nearest object lies within the block plus halo.
/// </summary>
public sealed class MapPointsVerb : Operation<MapPointsResult>
{
    /// <summary>The points, one row of rank coordinates each (z, y, x or y, x; fractional values stand for ⌊p⌋).</summary>
    public double[][] Points { get; set; } = [];

    /// <summary>Voxels of context on every side of a block: one value for all axes or one per axis; empty for none.</summary>
    public long[] Halo { get; set; } = [];

    /// <summary>Voxel spacing per axis; empty for 1.</summary>
    public double[] Sampling { get; set; } = [];

    /// <summary>Also write the table to this CSV file (replaced if it exists).</summary>
    public string? Csv { get; set; }

    /// <inheritdoc />
    public override string Name => "map-points";

    /// <inheritdoc />
    public override bool TakesMask => false;

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        VerbInputs.RequireLabels(inputs[0], Name);
        int rank = inputs[0].Shape.Count;
        if (rank is not (2 or 3))
        {
            throw new ArgumentException($"map-points needs a 2D or 3D segmentation; it has {rank} axes.");
        }

        if (Points.FirstOrDefault(p => p.Length != rank || p.Any(double.IsNaN)) is { } bad)
        {
            throw new ArgumentException($"Every point needs {rank} coordinates (the segmentation's axes), none NaN; got ({string.Join(", ", bad)}).");
        }

        if (Sampling.Length != 0 && (Sampling.Length != rank || Sampling.Any(s => !(s > 0) || !double.IsFinite(s))))
        {
            throw new ArgumentException($"--sampling needs {rank} positive values, one per axis; got [{string.Join(", ", Sampling)}].");
        }

        _ = BlockData.PerAxis(Halo.Length == 0 ? [0] : Halo, rank, "--halo");
        ObjectTables.RequireWritableFolder(Csv, "--csv");
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    /// <inheritdoc />
    public override MapPointsResult Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        int rank = run.Inputs[0].Shape.Count;
        var step = new MapPointsOperation
        {
            Coordinates = [.. Points.SelectMany(p => p)],
            Halo = BlockData.PerAxis(Halo.Length == 0 ? [0] : Halo, rank, "--halo"),
            Sampling = Sampling,
        };
        var ids = new decimal[Points.Length];
        var distances = Enumerable.Repeat(float.PositiveInfinity, Points.Length).ToArray();
        foreach (var block in run.Reduce(step, run.Inputs))
        {
            var mapped = block.Value;
            for (int k = 0; k < mapped.PointIds.Length; k++)
            {
                int point = mapped.PointIds[k];
                if (mapped.Distances[k] < distances[point])
                {
                    (ids[point], distances[point]) = (mapped.ObjectIds[k], mapped.Distances[k]);
                }
            }
        }

        var result = new MapPointsResult(rank == 3 ? ["z", "y", "x"] : ["y", "x"], Points, ids, distances);
        if (Csv is not null)
        {
            File.WriteAllText(Csv, result.ToCsv());
        }

        return result;
    }

    /// <inheritdoc />
    public override JsonObject Fields(MapPointsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject
        {
            ["count"] = result.ObjectIds.Length,
            ["objectIds"] = CoreJson.Node(result.ObjectIds),
            ["objectDistances"] = CoreJson.Node(result.Distances, OperationOutcome.Json),
            ["csv"] = Csv,
        };
    }

    /// <inheritdoc />
    public override string Describe(MapPointsResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int unmapped = result.ObjectIds.Count(id => id == 0);
        return string.Create(CultureInfo.InvariantCulture, $"{result.ObjectIds.Length} points, {result.ObjectIds.Length - unmapped} mapped to an object, {unmapped} to none (id 0){(Csv is null ? string.Empty : " → " + Csv)}");
    }
}

/// <summary>Per point: its coordinates, the nearest object's id (0: none) and the distance to it (∞: none).</summary>
/// <param name="Columns">The axis names (<c>z, y, x</c> or <c>y, x</c>).</param>
/// <param name="Points">The points as given.</param>
/// <param name="ObjectIds">bioimage-py's <c>object_ids</c>.</param>
/// <param name="Distances">bioimage-py's <c>object_distances</c> (float32).</param>
public sealed record MapPointsResult(IReadOnlyList<string> Columns, double[][] Points, decimal[] ObjectIds, float[] Distances)
{
    /// <summary>The table as CSV: the axis columns, <c>object_id</c> and <c>distance</c> (<c>inf</c> as numpy writes it).</summary>
    public string ToCsv() => ObjectTables.FormatCsv(
        [.. Columns, "object_id", "distance"],
        Points.Select((point, i) => point.Select(v => v.ToString("R", CultureInfo.InvariantCulture))
            .Append(ObjectIds[i].ToString(CultureInfo.InvariantCulture))
            .Append(float.IsPositiveInfinity(Distances[i]) ? "inf" : Distances[i].ToString("R", CultureInfo.InvariantCulture))));
}
