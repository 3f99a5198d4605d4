using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Interop;

/// <summary>
/// C exports of the per-label region features: the statistics of <see cref="LabelMorphology"/> — bioimage-py's
/// <c>morphology</c> table, size, centre of mass and bounding box of every nonzero label, as exact integer sums from
/// which the caller divides the centres (skimage's regionprops area, centroid and bbox) — and, per object's
/// bounding-box crop, the shape features of <see cref="ObjectShape"/> and <see cref="BinarySurface"/> (bioimage-py's
/// regionprops axis lengths and surface area).
/// </summary>
public static unsafe class RegionFeatures
{
    /// <summary>Int64 columns per object in bk_morphology's table.</summary>
    public const int Columns = 11;

    /// <summary>
    /// bk_morphology: one row of <see cref="Columns"/> int64 per nonzero label, sorted by label: the label (its uint64
    /// bit pattern), the voxel count, the coordinate sums Σz, Σy, Σx, the bounding box's first z, y, x (inclusive) and
    /// its end z, y, x (exclusive). A 2D input is one plane: z columns are 0, 0 and 1. The table is a library-owned
    /// buffer: release it with bk_free.
    /// </summary>
    /// <param name="labels">2D or 3D integer array.</param>
    /// <param name="table">Receives the rows × <see cref="Columns"/> table.</param>
    /// <param name="count">Receives the number of rows (labels).</param>
    /// <param name="threads">0 = all cores; the result does not depend on it.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_morphology")]
    public static int Morphology(NativeArray* labels, long** table, long* count, int threads)
    {
        try
        {
            var source = ArrayView.From(labels, nameof(labels)).RequireNDim(2, 3).RequireInteger();
            if (table == null || count == null)
            {
                throw new ArgumentNullException(table == null ? nameof(table) : nameof(count), "table and count must not be NULL.");
            }

            var measure = new Measure(source, Threads.Resolve(threads));
            KernelViews.DispatchInteger(source, ref measure);
            *count = measure.Rows.Length / Columns;
            *table = NativeBuffers.CopyOut<long>(measure.Rows);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(KernelViews.Reported(e));
        }
    }

    /// <summary>Doubles per object in bk_region_shapes' table.</summary>
    public const int ShapeColumns = 3;

    /// <summary>
    /// bk_region_shapes: bk_morphology's table and, in the same row order, <see cref="ShapeColumns"/> doubles per
    /// object: the major and minor axis lengths of its inertia-equivalent ellipsoid (skimage's regionprops
    /// axis_major_length / axis_minor_length with the spacing) and its marching-cubes surface area (bioimage-py's
    /// surface_area; 3D only, when <paramref name="surface"/> is nonzero, else NaN). Both tables are library-owned
    /// buffers: release them with bk_free.
    /// </summary>
    /// <param name="labels">2D or 3D integer array.</param>
    /// <param name="spacing">ndim positive voxel sizes, or NULL for 1.</param>
    /// <param name="surface">Nonzero to compute the surface area (3D inputs only).</param>
    /// <param name="table">Receives bk_morphology's rows.</param>
    /// <param name="shapes">Receives the shape rows.</param>
    /// <param name="count">Receives the number of rows (labels).</param>
    /// <param name="threads">0 = all cores; objects are measured in parallel, the result does not depend on it.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_region_shapes")]
    public static int Shapes(NativeArray* labels, double* spacing, int surface, long** table, double** shapes, long* count, int threads)
    {
        try
        {
            var source = ArrayView.From(labels, nameof(labels)).RequireNDim(2, 3).RequireInteger();
            if (table == null || shapes == null || count == null)
            {
                throw new ArgumentNullException(nameof(table), "table, shapes and count must not be NULL.");
            }

            if (surface != 0 && source.NDim != 3)
            {
                throw new ArgumentException("surface: the surface area needs a 3D label image.", nameof(surface));
            }

            var voxelSize = new double[source.NDim];
            for (int axis = 0; axis < voxelSize.Length; axis++)
            {
                voxelSize[axis] = spacing == null ? 1 : spacing[axis];
                if (!(voxelSize[axis] > 0) || !double.IsFinite(voxelSize[axis]))
                {
                    throw new ArgumentOutOfRangeException(nameof(spacing), voxelSize[axis], $"spacing[{axis}] must be positive and finite.");
                }
            }

            var measure = new Measure(source, Threads.Resolve(threads)) { Spacing = voxelSize, Surface = surface != 0 };
            KernelViews.DispatchInteger(source, ref measure);
            *count = measure.Rows.Length / Columns;
            *table = NativeBuffers.CopyOut<long>(measure.Rows);
            *shapes = NativeBuffers.CopyOut<double>(measure.Shapes);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(KernelViews.Reported(e));
        }
    }

    /// <summary>The morphology rows and, when <see cref="Spacing"/> is set, the shape rows of every object.</summary>
    private struct Measure(ArrayView source, int threads) : IIntegerFunc
    {
        public double[]? Spacing { get; init; }

        public bool Surface { get; init; }

        public double[] Shapes { get; private set; } = [];

        public long[] Rows { get; private set; } = [];

        public void Invoke<T>()
            where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
        {
            using var input = source.Read<T>();
            var (labels, regions) = LabelMorphology.Measure<T>(input.Volume.Span, threads);
            var rows = new long[labels.Length * Columns];
            for (int i = 0; i < labels.Length; i++)
            {
                var r = regions[i];
                var row = rows.AsSpan(i * Columns, Columns);
                row[0] = (long)ulong.CreateTruncating(labels[i]);
                row[1] = r.Count;
                row[2] = r.SumZ;
                row[3] = r.SumY;
                row[4] = r.SumX;
                row[5] = r.MinZ;
                row[6] = r.MinY;
                row[7] = r.MinX;
                row[8] = r.MaxZ + 1L;
                row[9] = r.MaxY + 1L;
                row[10] = r.MaxX + 1L;
            }

            Rows = rows;
            if (Spacing is { } spacing)
            {
                Shapes = MeasureShapes(input.Volume, labels, regions, spacing, Surface, source.NDim, threads);
            }
        }

        /// <summary>Per object: the mask of its label in its bounding-box crop, then its axis lengths (and surface).</summary>
        private static double[] MeasureShapes<T>(ReadOnlyMemory3D<T> volume, T[] labels, LabelRegion[] regions, double[] spacing, bool surface, int rank, int threads)
            where T : unmanaged, IBinaryInteger<T>
        {
            var shapes = new double[labels.Length * ShapeColumns];
            double[] spacing3 = [.. Enumerable.Repeat(1.0, 3 - rank), .. spacing];
            Parallel.For(0, labels.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                var r = regions[i];
                int depth = r.MaxZ - r.MinZ + 1, height = r.MaxY - r.MinY + 1, width = r.MaxX - r.MinX + 1;
                var mask = new bool[depth * height * width];
                var crop = volume.Span.Slice(r.MinZ, r.MinY, r.MinX, depth, height, width);
                for (int z = 0; z < depth; z++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        var row = crop.GetRowSpan(z, y);
                        var flags = mask.AsSpan(((z * height) + y) * width, width);
                        for (int x = 0; x < width; x++)
                        {
                            flags[x] = row[x] == labels[i];
                        }
                    }
                }

                var view = new ReadOnlySpan3D<bool>(mask, depth, height, width);
                var (_, major, minor) = ObjectShape.AxisLengths(view, spacing, rank);
                shapes[i * ShapeColumns] = major;
                shapes[(i * ShapeColumns) + 1] = minor;
                shapes[(i * ShapeColumns) + 2] = surface ? BinarySurface.Area(view, spacing3) : double.NaN;
            });

            return shapes;
        }
    }
}
