using System.Numerics;
using System.Runtime.InteropServices;
using BioImage.Kernels;

namespace BioImage.Interop;

/// <summary>
/// C export of the evaluation family's base (<see cref="ContingencyTable"/>): the sparse contingency table of two
/// label images, from which every evaluation metric follows — bioimage-py's <c>contingency_table</c>.
/// </summary>
public static unsafe class Evaluation
{
    /// <summary>
    /// bk_contingency_table: every pair (a, b) of labels that occur at the same element of <paramref name="seg"/> and
    /// <paramref name="gt"/> with its count, sorted by (a, b), labels as their uint64 bit patterns (numpy's
    /// astype(uint64)), background kept. The three results are library-owned buffers: release each with bk_free.
    /// </summary>
    /// <param name="seg">2D or 3D integer array.</param>
    /// <param name="gt">Integer array of the same shape.</param>
    /// <param name="segLabels">Receives the a of each pair (uint64).</param>
    /// <param name="gtLabels">Receives the b of each pair (uint64).</param>
    /// <param name="counts">Receives the count of each pair (int64, ≥ 1).</param>
    /// <param name="pairs">Receives the number of pairs.</param>
    /// <param name="threads">0 = all cores; the result does not depend on it.</param>
    /// <returns>A status code (BK_OK on success).</returns>
    [UnmanagedCallersOnly(EntryPoint = "bk_contingency_table")]
    public static int Contingency(NativeArray* seg, NativeArray* gt, ulong** segLabels, ulong** gtLabels, long** counts, long* pairs, int threads)
    {
        try
        {
            var a = ArrayView.From(seg, nameof(seg)).RequireNDim(2, 3).RequireInteger();
            var b = ArrayView.From(gt, nameof(gt)).RequireInteger().RequireShape(a.Shape, "the segmentation's shape");
            if (segLabels == null || gtLabels == null || counts == null || pairs == null)
            {
                throw new ArgumentNullException(nameof(pairs), "segLabels, gtLabels, counts and pairs must not be NULL.");
            }

            var first = new SegmentationFirst(a, b, Threads.Resolve(threads));
            KernelViews.DispatchInteger(a, ref first);
            var table = first.Table;
            *pairs = table.Length;
            *segLabels = NativeBuffers.CopyOut<ulong>(table.SegLabels);
            *gtLabels = NativeBuffers.CopyOut<ulong>(table.GtLabels);
            *counts = NativeBuffers.CopyOut<long>(table.Counts);
            return Status.Ok;
        }
        catch (Exception e)
        {
            return LastError.Fail(KernelViews.Reported(e));
        }
    }

    /// <summary>A C-order span of the array's elements: the caller's memory when contiguous, else a gathered copy.</summary>
    private static KernelBuffer<T> Contiguous<T>(ArrayView view)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        var buffer = view.Read<T>();
        if (buffer.Volume.AsReadOnly().Span.TryGetSpan(out _))
        {
            return buffer;
        }

        buffer.Dispose();
        return view.Read<T>(copy: true);
    }

    private struct SegmentationFirst(ArrayView seg, ArrayView gt, int threads) : IIntegerFunc
    {
        public ContingencyTable Table { get; private set; } = ContingencyTable.Empty;

        public void Invoke<TSeg>()
            where TSeg : unmanaged, IBinaryInteger<TSeg>, IMinMaxValue<TSeg>
        {
            var second = new Count<TSeg>(seg, gt, threads);
            KernelViews.DispatchInteger(gt, ref second);
            Table = second.Table;
        }
    }

    private struct Count<TSeg>(ArrayView seg, ArrayView gt, int threads) : IIntegerFunc
        where TSeg : unmanaged, IBinaryInteger<TSeg>, IMinMaxValue<TSeg>
    {
        public ContingencyTable Table { get; private set; } = ContingencyTable.Empty;

        public void Invoke<TGt>()
            where TGt : unmanaged, IBinaryInteger<TGt>, IMinMaxValue<TGt>
        {
            if (seg.Count == 0)
            {
                Table = ContingencyTable.Empty;
                return;
            }

            using var a = Contiguous<TSeg>(seg);
            using var b = Contiguous<TGt>(gt);
            a.Volume.AsReadOnly().Span.TryGetSpan(out var segSpan);
            b.Volume.AsReadOnly().Span.TryGetSpan(out var gtSpan);
            Table = ContingencyTable.Count(segSpan, gtSpan, threads);
        }
    }
}
