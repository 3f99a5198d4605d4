namespace BioImage.Sources.Formats;

/// <summary>Decodes the strips or tiles (segments) of one TIFF page into native-endian samples.</summary>
internal interface ISegmentDecoder
{
    /// <summary>Bytes of one decoded segment (the buffer size <see cref="Decode"/> needs).</summary>
    int SegmentBytes { get; }

    /// <summary>Decodes segment <paramref name="index"/> (strips top to bottom; tiles row by row) into <paramref name="buffer"/>.</summary>
    void Decode(int index, byte[] buffer);
}
