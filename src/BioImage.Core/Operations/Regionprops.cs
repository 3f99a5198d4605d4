using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BioImage.Kernels;
using BioImage.Runners;
using BioImage.Sources;

namespace BioImage.Operations;

/// <summary>
/// <c>regionprops</c>: per-object features of a label volume — bioimage-py's <c>morphology.regionprops</c>. The
/// objects are the rows of a morphology table (a CSV as <c>morphology --csv</c> writes it, or, without one, a first
/// pass of <see cref="Morphology"/>); every object is one item of a map pass (<see cref="RegionpropsStep"/>) that
/// reads its bounding-box crop, so items run on threads, worker processes or Slurm, resume after a failure, and
/// <see cref="ItemIds"/> computes a subset of rows. Features per object: n_voxels, area (voxels · Π resolution),
/// extent, equivalent_diameter_area, axis_major_length, axis_minor_length (<see cref="ObjectShape"/>), optionally
/// surface_area (<see cref="BinarySurface"/>, 3D) and the centroid: the table's centre of mass when it rounds (half to even) to a voxel of the object, else the deepest
/// voxel of the crop; all lengths in units of the resolution.
/// </summary>
public sealed class Regionprops : Operation<RegionpropsTable>
{
    /// <summary>A morphology table as CSV (columns label, com_*, bb_min_*, bb_max_*); null computes it in a first pass.</summary>
    public string? Table { get; set; }

    /// <summary>Voxel size per axis (bioimage-py's <c>resolution</c>); null for 1 on every axis.</summary>
    public double[]? Resolution { get; set; }

    /// <summary>Also compute the surface area (3D only; Lewiner marching cubes, <see cref="BinarySurface"/>).</summary>
    public bool Surface { get; set; }

    /// <summary>Rows of the table to compute (bioimage-py's <c>item_ids</c>); null for all.</summary>
    public long[]? ItemIds { get; set; }

    /// <summary>Also write the result as CSV to this path; null writes none.</summary>
    public string? Csv { get; set; }

    /// <inheritdoc />
    public override string Name => "regionprops";

    /// <inheritdoc />
    public override IReadOnlyList<string> Passes => Table is null ? ["morphology", "objects"] : ["objects"];

    /// <inheritdoc />
    public override bool RunsBlockSubsets => false;

    /// <inheritdoc />
    public override bool TakesMask => false;

    /// <summary>The features of every object of <paramref name="input"/> (or of the rows of <see cref="Table"/>).</summary>
    public static RegionpropsTable Compute(ISource input, RunOptions options, double[]? resolution = null, string? table = null) =>
        Executor.Compute(new Regionprops { Resolution = resolution, Table = table }, [input], [], options);

    /// <inheritdoc />
    public override void Validate(IReadOnlyList<ISource> inputs)
    {
        VerbInputs.Require(inputs, 1, Name);
        VerbInputs.RequireLabels(inputs[0], Name);
        Morphology.RequireRank(inputs[0], Name);
        int rank = inputs[0].Shape.Count;
        if (Resolution is { } resolution && (resolution.Length != rank || !resolution.All(r => double.IsFinite(r) && r > 0)))
        {
            throw new ArgumentException($"--resolution needs {rank} positive values (one per axis); got {string.Join(',', resolution)}.");
        }

        ObjectTables.RequireWritableFolder(Csv, "--csv");
        if (Surface && rank != 3)
        {
            throw new ArgumentException($"--surface needs 3D labels (marching cubes); the input has {rank} axes.");
        }

        if (ItemIds is { } ids && ids.Any(id => id < 0))
        {
            throw new ArgumentException($"--item-ids must be row numbers ≥ 0; got {string.Join(',', ids)}.");
        }

        if (Table is not null)
        {
            if (!File.Exists(Table))
            {
                throw new ArgumentException($"--table: {Table} does not exist.");
            }

            var boxes = ObjectBoxes.ReadCsv(Table, inputs[0].Shape);
            if (ItemIds?.FirstOrDefault(id => id >= boxes.Count, -1) is { } missing and >= 0)
            {
                throw new ArgumentException($"--item-ids: row {missing} does not exist; {Table} has {boxes.Count} rows (0 to {boxes.Count - 1}).");
            }
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<ArrayLayout> Outputs(IReadOnlyList<ISource> inputs) => [];

    /// <inheritdoc />
    public override RegionpropsTable Run(OperationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var input = run.Inputs[0];
        int rank = input.Shape.Count;
        var boxes = Table is null ? ObjectBoxes.Of(Morphology.Pass(run, run.Options)) : ObjectBoxes.ReadCsv(Table, input.Shape);
        if (ItemIds?.FirstOrDefault(id => id >= boxes.Count, -1) is { } missing and >= 0)
        {
            throw new DataConditionException($"--item-ids: row {missing} does not exist; the table has {boxes.Count} rows.");
        }

        string objects = Path.Combine(run.Scratch, "objects.csv");
        boxes.WriteCsv(objects);
        var step = new RegionpropsStep
        {
            Segmentation = input.Spec,
            Objects = objects,
            Resolution = Resolution ?? [.. Enumerable.Repeat(1.0, rank)],
            Surface = Surface,
            Labels = input,
        };
        var features = run.Map(step, boxes.Count, run.Options with { BlockIds = ItemIds });
        var table = new RegionpropsTable(rank, [.. features.Select(f => f.Value)], Surface);
        if (Csv is not null)
        {
            ObjectTables.WriteCsv(Csv, table.Columns());
        }

        return table;
    }

    /// <inheritdoc />
    public override JsonObject Fields(RegionpropsTable result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new JsonObject { ["objects"] = result.Count, ["columns"] = ObjectTables.ToJson(result.Columns()) };
    }

    /// <inheritdoc />
    public override string Describe(RegionpropsTable result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture, $"{result.Count} objects");
    }
}

/// <summary>
/// The map step of <see cref="Regionprops"/>: the features of table row <c>itemId</c>, from the crop of its bounding
/// box. The table rows are read once per process from <see cref="Objects"/>; the segmentation is opened once per
/// process from <see cref="Segmentation"/> (or used as given in local runs).
/// </summary>
public sealed class RegionpropsStep : MapOperation<RegionFeatures>
{
    private ObjectBoxes? _boxes;
    private ISource? _opened;

    /// <summary>How to open the segmentation in a worker process (null for in-memory data, local runs only).</summary>
    public SourceSpec? Segmentation { get; set; }

    /// <summary>The objects' table (label, com_*, bb_min_*, bb_max_*) as CSV.</summary>
    public string Objects { get; set; } = string.Empty;

    /// <summary>Voxel size per axis.</summary>
    public double[] Resolution { get; set; } = [];

    /// <summary>Also compute the surface area (3D).</summary>
    public bool Surface { get; set; }

    /// <summary>The segmentation itself in local runs (not a parameter: workers open <see cref="Segmentation"/>).</summary>
    [JsonIgnore]
    internal ISource? Labels
    {
        get => _opened;
        set => _opened = value;
    }

    /// <inheritdoc />
    public override RegionFeatures Run(long itemId)
    {
        var labels = LazyInitializer.EnsureInitialized(ref _opened, () => Source.Open(Segmentation ?? throw new InvalidOperationException("regionprops needs a file-backed segmentation in worker processes.")));
        var boxes = LazyInitializer.EnsureInitialized(ref _boxes, () => ObjectBoxes.ReadCsv(Objects, labels.Shape));
        return labels.DType.DispatchInteger(new Features(labels, boxes, (int)itemId, Resolution, Surface), "regionprops' input");
    }

    private sealed class Features(ISource labels, ObjectBoxes boxes, int row, double[] resolution, bool surface) : IIntegerDTypeFunc<RegionFeatures>
    {
        public RegionFeatures Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            int rank = labels.Shape.Count;
            ulong label = boxes.Labels[row];
            long[] begin = [.. boxes.BoundingBoxMin.Select(axis => axis[row])];
            long[] end = [.. boxes.BoundingBoxMax.Select(axis => axis[row])];
            var region = new Region(begin, end);
            using var crop = BlockData.Read<T>(labels, region);
            var mask = new bool[crop.Length];
            var values = crop.Span;
            for (int i = 0; i < mask.Length; i++)
            {
                mask[i] = ulong.CreateTruncating(values[i]) == label;
            }

            var extent = BlockData.Pad(region.Shape, fill: 1);
            var view = new ReadOnlySpan3D<bool>(mask, extent.Z, extent.Y, extent.X);
            var (voxels, major, minor) = ObjectShape.AxisLengths(view, resolution, rank);
            double area = voxels * resolution.Aggregate(1.0, (product, r) => product * r);
            double diameter = area > 0 ? Math.Pow(2 * rank * area / Math.PI, 1.0 / rank) : 0;
            return new RegionFeatures(
                label, voxels, area, (double)voxels / region.VoxelCount, diameter, major, minor,
                Centroid(view, mask, begin, [.. boxes.CenterOfMass.Select(axis => axis[row])], voxels), begin, end,
                surface ? BinarySurface.Area(view, resolution) : null);
        }

        /// <summary>The centre of mass when it rounds (half to even) to a voxel of the object, else the deepest voxel; times the resolution.</summary>
        private double[] Centroid(ReadOnlySpan3D<bool> view, bool[] mask, long[] begin, double[] com, long voxels)
        {
            int rank = begin.Length;
            var rounded = new long[rank];
            bool inside = voxels > 0;
            for (int a = 0; a < rank && inside; a++)
            {
                rounded[a] = (long)Math.Round(com[a] - begin[a], MidpointRounding.ToEven);
                inside = rounded[a] >= 0 && rounded[a] < Extent(view, a + 3 - rank);
            }

            if (voxels == 0 || (inside && mask[Linear(view, rounded)]))
            {
                return [.. com.Select((c, a) => c * resolution[a])];
            }

            double[] spacing = [.. Enumerable.Repeat(1.0, 3 - rank), .. resolution];
            var (z, y, x) = ObjectShape.DeepestPoint(view, spacing);
            long[] deepest = [z, y, x];
            return [.. Enumerable.Range(0, rank).Select(a => (deepest[a + 3 - rank] + begin[a]) * resolution[a])];
        }

        private static int Extent(ReadOnlySpan3D<bool> view, int axis) => axis switch { 0 => view.Depth, 1 => view.Height, _ => view.Width };

        private static int Linear(ReadOnlySpan3D<bool> view, long[] position)
        {
            var padded = BlockData.Pad(position);
            return (((padded.Z * view.Height) + padded.Y) * view.Width) + padded.X;
        }
    }
}

/// <summary>The features of one object, in units of the resolution.</summary>
/// <param name="Label">The object's label.</param>
/// <param name="Voxels">Its voxels inside its bounding box (n_voxels).</param>
/// <param name="Area">Voxels · Π resolution.</param>
/// <param name="Extent">Voxels / voxels of the bounding box.</param>
/// <param name="EquivalentDiameter">(2·rank·area/π)^(1/rank), 0 for an empty object.</param>
/// <param name="MajorAxis">Major axis length of the inertia-equivalent ellipsoid.</param>
/// <param name="MinorAxis">Minor axis length.</param>
/// <param name="Centroid">The centroid per axis.</param>
/// <param name="BoundingBoxMin">The table's bounding box begin per axis.</param>
/// <param name="BoundingBoxMax">Its end per axis (exclusive).</param>
/// <param name="SurfaceArea">The marching-cubes surface area (3D, when asked for), 0 for an empty object.</param>
public sealed record RegionFeatures(ulong Label, long Voxels, double Area, double Extent, double EquivalentDiameter, double MajorAxis, double MinorAxis, double[] Centroid, long[] BoundingBoxMin, long[] BoundingBoxMax, double? SurfaceArea);
