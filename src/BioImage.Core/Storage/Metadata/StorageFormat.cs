namespace BioImage.Storage.Metadata;

/// <summary>The chunked container formats.</summary>
public enum StorageFormat
{
    /// <summary>Zarr v2 (<c>.zarray</c>, <c>.zattrs</c>, <c>.zgroup</c>).</summary>
    ZarrV2,

    /// <summary>Zarr v3 (<c>zarr.json</c>).</summary>
    ZarrV3,

    /// <summary>N5 (<c>attributes.json</c>, big-endian blocks, reversed axes).</summary>
    N5,
}
