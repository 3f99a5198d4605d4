namespace BioImage.Runners;

/// <summary>
/// Counts the finished blocks of a running distributed run for progress reports by following every task's
/// done-log like <c>tail -f</c>: each poll reads only the bytes appended since the previous poll, so polling costs
/// grow with the number of tasks, not with the number of blocks already done. Only newline-terminated lines count
/// (a line being written is counted on the next poll), as in <see cref="TaskFolder.ReadDone"/>; workers log each
/// block once, so lines and blocks are the same number.
/// </summary>
internal sealed class DoneLogTail(TaskFolder folder, int taskCount)
{
    private readonly long[] countedBytes = new long[taskCount];
    private long done;

    /// <summary>Blocks finished so far over all tasks.</summary>
    public long Count()
    {
        Span<byte> buffer = stackalloc byte[4096];
        for (int task = 0; task < countedBytes.Length; task++)
        {
            string path = folder.DoneLogPath(task);
            if (!File.Exists(path))
            {
                continue;
            }

            using var log = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            log.Position = countedBytes[task];
            long position = countedBytes[task];
            int read;
            while ((read = log.Read(buffer)) > 0)
            {
                var chunk = buffer[..read];
                int newlines = chunk.Count((byte)'\n');
                if (newlines > 0)
                {
                    done += newlines;
                    countedBytes[task] = position + chunk.LastIndexOf((byte)'\n') + 1;
                }

                position += read;
            }
        }

        return done;
    }
}
