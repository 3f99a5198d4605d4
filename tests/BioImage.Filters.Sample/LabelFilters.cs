using BioImage.Kernels;
using BioImage.Operations;

namespace BioImage.Filters.Sample;

/// <summary>
/// Sets every label below <see cref="Threshold"/> to 0 (background) inside the mask:
/// <c>np.where(mask &amp; (seg &lt; threshold), 0, seg)</c>. Run it with
/// <c>bioimage segmentation-filter seg.zarr out.zarr --assembly BioImage.Filters.Sample.dll --filter
/// BioImage.Filters.Sample.ZeroLabelsBelow --set Threshold=10</c>.
/// </summary>
public sealed class ZeroLabelsBelow : SegmentationFilter
{
    /// <summary>The smallest label kept.</summary>
    public long Threshold { get; set; }

    /// <inheritdoc />
    protected override void Filter<T>(Span3D<T> labels, bool[]? inside)
    {
        var threshold = T.CreateSaturating(Threshold);
        LabelFilters.Zero(labels, inside, label => label < threshold);
    }
}

/// <summary>Filters declared inside a class, as users group them (the nested type travels as Outer+Nested).</summary>
public static class LabelFilters
{
    /// <summary>
    /// Keeps only the <see cref="Labels"/> (with <see cref="Invert"/>: removes only them) inside the mask:
    /// <c>np.where(mask &amp; (np.isin(seg, labels) == invert), 0, seg)</c>.
    /// </summary>
    public sealed class KeepLabels : SegmentationFilter
    {
        /// <summary>The labels kept.</summary>
        public long[] Labels { get; set; } = [];

        /// <summary>Remove the <see cref="Labels"/> instead of keeping them.</summary>
        public bool Invert { get; set; }

        /// <inheritdoc />
        protected override void Filter<T>(Span3D<T> labels, bool[]? inside)
        {
            var kept = Labels.Select(T.CreateSaturating).ToHashSet();
            LabelFilters.Zero(labels, inside, label => kept.Contains(label) == Invert);
        }
    }

    /// <summary>A filter the command line refuses: workers cannot create it without arguments.</summary>
    public sealed class NeedsArguments(long threshold) : SegmentationFilter
    {
        /// <summary>The threshold.</summary>
        public long Threshold { get; } = threshold;

        /// <inheritdoc />
        protected override void Filter<T>(Span3D<T> labels, bool[]? inside)
        {
            var limit = T.CreateSaturating(Threshold);
            Zero(labels, inside, label => label < limit);
        }
    }

    /// <summary>Sets the labels <paramref name="remove"/> selects to 0, inside the mask only (all voxels without one).</summary>
    internal static void Zero<T>(Span3D<T> labels, bool[]? inside, Func<T, bool> remove)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        int i = 0;
        for (int z = 0; z < labels.Depth; z++)
        {
            for (int y = 0; y < labels.Height; y++)
            {
                foreach (ref T label in labels.GetRowSpan(z, y))
                {
                    if (inside?[i] != false && remove(label))
                    {
                        label = T.Zero;
                    }

                    i++;
                }
            }
        }
    }
}
