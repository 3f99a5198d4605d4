using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using BioImage.Kernels.Graphs.Multicut;

namespace BioImage.Storage;

/// <summary>
/// Multicut problems on disk, and node labels back:
/// <list type="bullet">
/// <item>text (any other extension): one edge per row, <c>u v cost</c> separated by spaces, tabs or commas — the format
/// of the public CREMI multicut problems; blank rows and rows starting with <c>#</c> are skipped, and a first row that is
/// not numeric is taken as a header;</item>
/// <item><c>.npy</c>: an (E, 2) integer array of edges, with the costs in a second (E,) .npy;</item>
/// <item><c>.npz</c>: the arrays <c>edges</c> (E, 2) and <c>costs</c> (E,) (as <c>bioimage rag --costs</c> writes them,
/// with <c>node_count</c>), or <c>edges</c> with the costs in a separate .npy.</item>
/// </list>
/// Ids must be integers ≥ 0; the node count is <c>node_count</c> when the .npz has it, else the largest id + 1.
/// Costs may be any numeric dtype and are read as float64.
/// </summary>
public static class MulticutProblemFile
{
    /// <summary>Reads the problem at <paramref name="path"/>, with the costs from <paramref name="costsPath"/> when given.</summary>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a problem of the forms above; the message names the file and what is wrong.</exception>
    /// <exception cref="ArgumentException">The edges do not form a valid problem (a self-loop, a repeated pair, a non-finite cost).</exception>
    public static MulticutProblem Read(string path, string? costsPath = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist.", path);
        }

        if (costsPath is not null && !File.Exists(costsPath))
        {
            throw new FileNotFoundException($"{costsPath} does not exist.", costsPath);
        }

        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension != ".npy" && extension != ".npz")
        {
            return costsPath is null
                ? ReadText(path)
                : throw new InvalidDataException($"{path} is a text problem with its costs in the third column; separate costs go with an .npy or .npz edge array.");
        }

        long nodeCount = -1;
        NpyColumn edges, costs;
        if (extension == ".npy")
        {
            edges = NpyColumn.Read(path, path);
            costs = costsPath is not null
                ? NpyColumn.Read(costsPath, costsPath)
                : throw new InvalidDataException($"{path} holds only the edges; give the costs as an (E,) .npy too.");
        }
        else
        {
            using var archive = OpenZip(path);
            edges = NpyColumn.Read(Entry(archive, path, "edges"), $"{path}[edges]");
            costs = costsPath is not null ? NpyColumn.Read(costsPath, costsPath) : NpyColumn.Read(Entry(archive, path, "costs"), $"{path}[costs]");
            if (archive.GetEntry("node_count.npy") is { } count)
            {
                var values = NpyColumn.Read(count, $"{path}[node_count]");
                nodeCount = values.Length == 1 ? values.Integer(0) : throw new InvalidDataException($"{path}[node_count] must be one integer, not {values.Length} values.");
            }
        }

        return Build(edges, costs, nodeCount);
    }

    /// <summary>
    /// Writes one label per node: to an <c>.npy</c> as uint64 (bioimage-py's node labels), else as text, one label per row.
    /// </summary>
    public static void WriteLabels(string path, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Path.GetExtension(path).Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var values = new ulong[labels.Length];
            for (int node = 0; node < labels.Length; node++)
            {
                values[node] = (ulong)labels[node];
            }

            using var array = NdArray<ulong>.Wrap(values, [values.Length]);
            NpyFile.Write(path, array);
            return;
        }

        using var writer = new StreamWriter(path);
        foreach (int label in labels)
        {
            writer.WriteLine(label.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static MulticutProblem ReadText(string path)
    {
        var u = new List<ulong>();
        var v = new List<ulong>();
        var costs = new List<double>();
        int row = 0;
        bool dataSeen = false;
        Span<Range> fields = stackalloc Range[4];
        foreach (string line in File.ReadLines(path))
        {
            row++;
            var text = line.AsSpan().Trim();
            if (text.IsEmpty || text[0] == '#')
            {
                continue;
            }

            int count = text.SplitAny(fields, " \t,", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            ulong a = 0, b = 0;
            double cost = 0;
            bool numeric = count == 3
                && TryId(text[fields[0]], out a) && TryId(text[fields[1]], out b)
                && double.TryParse(text[fields[2]], NumberStyles.Float, CultureInfo.InvariantCulture, out cost);
            if (!numeric)
            {
                if (!dataSeen)
                {
                    dataSeen = true; // a header row
                    continue;
                }

                throw new InvalidDataException($"{path} row {row}: '{line.Trim()}' is not 'u v cost' (two integer node ids ≥ 0 and a number).");
            }

            dataSeen = true;
            u.Add(a);
            v.Add(b);
            costs.Add(cost);
        }

        ulong largest = 0;
        for (int edge = 0; edge < u.Count; edge++)
        {
            largest = Math.Max(largest, Math.Max(u[edge], v[edge]));
        }

        return Problem(path, u.Count == 0 ? 0 : (long)Math.Min(largest, int.MaxValue) + 1, [.. u], [.. v], [.. costs]);
    }

    /// <summary>A node id: an integer ≥ 0, also written as a float with no fraction (numpy.savetxt's 3.000000e+00).</summary>
    private static bool TryId(ReadOnlySpan<char> text, out ulong id)
    {
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id))
        {
            return true;
        }

        bool integral = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0 && value == Math.Floor(value) && value < 9.007199254740992e15;
        id = integral ? (ulong)value : 0;
        return integral;
    }

    private static MulticutProblem Build(NpyColumn edges, NpyColumn costs, long nodeCount)
    {
        if (edges.Shape.Count != 2 || edges.Shape[1] != 2 || !edges.IsInteger)
        {
            throw new InvalidDataException($"{edges.Name} must be an (E, 2) integer array of edges, not {edges.DType.NumpyName()} of shape ({string.Join(", ", edges.Shape)}).");
        }

        int edgeCount = edges.Shape[0];
        if (costs.Shape.Count != 1 || costs.Shape[0] != edgeCount)
        {
            throw new InvalidDataException($"{costs.Name} must hold one cost per edge, shape ({edgeCount},), not ({string.Join(", ", costs.Shape)}).");
        }

        var u = new ulong[edgeCount];
        var v = new ulong[edgeCount];
        var values = new double[edgeCount];
        ulong largest = 0;
        for (int edge = 0; edge < edgeCount; edge++)
        {
            long a = edges.Integer(2 * edge), b = edges.Integer((2 * edge) + 1);
            if (a < 0 || b < 0)
            {
                throw new InvalidDataException($"{edges.Name} row {edge} ({a}, {b}) has a negative node id.");
            }

            u[edge] = (ulong)a;
            v[edge] = (ulong)b;
            largest = Math.Max(largest, Math.Max(u[edge], v[edge]));
            values[edge] = costs.Real(edge);
        }

        long count = edgeCount == 0 ? 0 : (long)Math.Min(largest, int.MaxValue) + 1;
        if (nodeCount >= 0)
        {
            count = nodeCount >= count ? nodeCount : throw new InvalidDataException($"{edges.Name} has the node id {largest}, but node_count is {nodeCount}.");
        }

        return Problem(edges.Name, count, u, v, values);
    }

    private static MulticutProblem Problem(string name, long nodeCount, ulong[] u, ulong[] v, double[] costs)
    {
        if (nodeCount > int.MaxValue)
        {
            throw new InvalidDataException($"{name} has node ids up to {nodeCount - 1}; at most {int.MaxValue - 1} are supported.");
        }

        try
        {
            return MulticutProblem.FromEdges(nodeCount, u, v, costs);
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException($"{name}: {error.Message}", error);
        }
    }

    private static ZipArchive OpenZip(string path)
    {
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException error)
        {
            throw new InvalidDataException($"{path} is not an .npz (zip) archive: {error.Message}", error);
        }
    }

    private static ZipArchiveEntry Entry(ZipArchive archive, string path, string name) =>
        archive.GetEntry(name + ".npy") ?? throw new InvalidDataException($"{path} has no '{name}' array (it holds {string.Join(", ", archive.Entries.Select(e => Path.GetFileNameWithoutExtension(e.FullName)))}).");

    /// <summary>A numeric .npy read whole, with integer and float64 views of its elements.</summary>
    private sealed class NpyColumn
    {
        private long[] _integers = [];
        private double[] _reals = [];

        private NpyColumn(string name, DType dtype, IReadOnlyList<int> shape)
        {
            Name = name;
            DType = dtype;
            Shape = shape;
        }

        public string Name { get; }

        public DType DType { get; }

        public IReadOnlyList<int> Shape { get; }

        public bool IsInteger => DType is not (DType.Float32 or DType.Float64);

        public int Length => IsInteger ? _integers.Length : _reals.Length;

        public long Integer(int index) => _integers[index];

        public double Real(int index) => IsInteger ? _integers[index] : _reals[index];

        public static NpyColumn Read(string path, string name) => ReadFile(path, name);

        public static NpyColumn Read(ZipArchiveEntry entry, string name)
        {
            // NpyFile reads files: the entry is copied out once (an .npz written by np.savez is stored, not compressed).
            string temporary = Path.Combine(Path.GetTempPath(), $"bioimage-npz-{Environment.ProcessId}-{Guid.NewGuid():N}.npy");
            try
            {
                entry.ExtractToFile(temporary);
                return ReadFile(temporary, name);
            }
            finally
            {
                File.Delete(temporary);
            }
        }

        private static NpyColumn ReadFile(string path, string name)
        {
            NpyHeader header;
            try
            {
                header = NpyFile.ReadHeader(path);
            }
            catch (EndOfStreamException error)
            {
                throw new InvalidDataException($"{name} is truncated: {error.Message}", error);
            }

            var column = new NpyColumn(name, header.DType, header.Shape);
            switch (header.DType)
            {
                case DType.Float32:
                    column._reals = Convert<float, double>(path);
                    break;
                case DType.Float64:
                    column._reals = Convert<double, double>(path);
                    break;
                case DType.UInt64:
                    var raw = Convert<ulong, ulong>(path);
                    column._integers = [.. raw.Select(value => value <= long.MaxValue ? (long)value : throw new InvalidDataException($"{name} holds the id {value}, above {long.MaxValue}."))];
                    break;
                default:
                    column._integers = header.DType.Dispatch(new ReadIntegers(path));
                    break;
            }

            return column;
        }

        private static TOut[] Convert<TIn, TOut>(string path)
            where TIn : unmanaged, INumber<TIn>
            where TOut : unmanaged, INumber<TOut>
        {
            try
            {
                using var array = NpyFile.Read<TIn>(path);
                var result = new TOut[array.Length];
                var values = array.Span;
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = TOut.CreateTruncating(values[i]);
                }

                return result;
            }
            catch (EndOfStreamException error)
            {
                throw new InvalidDataException($"{path} is truncated: {error.Message}", error);
            }
        }

        private readonly struct ReadIntegers(string path) : IDTypeFunc<long[]>
        {
            public long[] Invoke<T>()
                where T : unmanaged, INumber<T> => Convert<T, long>(path);
        }
    }
}
