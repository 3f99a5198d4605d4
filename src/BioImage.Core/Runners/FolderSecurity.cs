using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace BioImage.Runners;

/// <summary>
/// Guards the temp folder of a distributed run: its manifest names an assembly that workers load and run, so a
/// folder that someone else owns or can write could make a worker run their code as you.
/// </summary>
internal static partial class FolderSecurity
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates a new folder readable and writable by its owner only (mode 0700).</summary>
    public static string CreatePrivateFolder(string parent, string prefix)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Distributed runs need a Unix file system (Linux).");
        }

        Directory.CreateDirectory(parent);
        for (int attempt = 0; ; attempt++)
        {
            string path = Path.Combine(Path.GetFullPath(parent), prefix + Path.GetRandomFileName().Replace(".", string.Empty, StringComparison.Ordinal));
            if (!Directory.Exists(path))
            {
                Directory.CreateDirectory(path, Private);
                File.SetUnixFileMode(path, Private);
                return path;
            }

            if (attempt > 100)
            {
                throw new IOException($"Could not create a unique temp folder in {parent}.");
            }
        }
    }

    /// <summary>Creates the folder <paramref name="path"/> (which must not exist) readable and writable by its owner only (mode 0700).</summary>
    public static void CreatePrivateFolderAt(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Distributed runs need a Unix file system (Linux).");
        }

        Directory.CreateDirectory(path, Private);
        File.SetUnixFileMode(path, Private);
    }

    /// <summary>Throws unless <paramref name="folder"/> is owned by this user and writable by nobody else.</summary>
    public static void RequirePrivate(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Distributed runs need a Unix file system (Linux).");
        }

        var mode = File.GetUnixFileMode(folder);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new UnauthorizedAccessException($"Refusing to run the manifest in {folder}: the folder is writable by group or others (mode {Convert.ToString((int)mode, 8)}); a tampered manifest would run code as you. Use a folder with mode 0700.");
        }

        uint owner = OwnerOf(folder);
        uint me = GetEffectiveUserId();
        if (owner != me)
        {
            throw new UnauthorizedAccessException($"Refusing to run the manifest in {folder}: the folder belongs to user id {owner}, not to you ({me}).");
        }
    }

    private static uint OwnerOf(string path)
    {
        // struct statx (linux/stat.h, the same on every architecture): stx_uid is the u32 at byte offset 20.
        const int AtFdCwd = -100;
        const uint StatxUid = 0x8;
        var buffer = new byte[256];
        return Statx(AtFdCwd, path, 0, StatxUid, buffer) == 0
            ? BitConverter.ToUInt32(buffer, 20)
            : throw new IOException($"statx({path}) failed with errno {Marshal.GetLastPInvokeError()}.");
    }

    [SuppressMessage("Interoperability", "SYSLIB1054:Use LibraryImportAttribute", Justification = "LibraryImport's generated code needs unsafe blocks, which we keep to kernels/.")]
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [SuppressMessage("Interoperability", "SYSLIB1054:Use LibraryImportAttribute", Justification = "See Statx.")]
    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();
}
