using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Interop;

/// <summary>
/// C export of the per-label region statistics (<see cref="LabelMorphology"/>): bioimage-py's <c>morphology</c>
/// table — size, centre of mass and bounding box of every nonzero label — as exact integer sums, from which the
/// caller divides the centres (skimage's regionprops area, centroid and bbox).
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

    private struct Measure(ArrayView source, int threads) : IIntegerFunc
    {
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
        }
    }
}
