namespace BioImage.Storage.Stores;

/// <summary>
/// Validation and joining of store keys: relative, '/'-separated, no empty, '.' or '..' segment, no backslash,
/// no drive or absolute path — so that no key can escape the container it belongs to.
/// </summary>
public static class StoreKey
{
    /// <summary>Returns <paramref name="key"/> when it is a valid key, else throws naming it.</summary>
    /// <param name="key">The key to check.</param>
    /// <param name="allowEmpty">True when the empty key (the container's root) is acceptable, e.g. as a prefix.</param>
    /// <exception cref="ArgumentException">The key is absolute, contains '..', '.', an empty segment, a backslash, ':' or a control character.</exception>
    public static string Validate(string key, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            return allowEmpty ? key : throw new ArgumentException("The store key '' is empty; expected a relative path such as 'raw/c/0/0/0'.", nameof(key));
        }

        if (key[0] == '/' || key.Contains('\\', StringComparison.Ordinal) || key.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The store key '{key}' is not a relative '/'-separated path; keys must not start with '/' or contain '\\' or ':'.", nameof(key));
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                throw new ArgumentException($"The store key '{key}' has a '{segment}' segment; keys may not contain empty, '.' or '..' segments (they could escape the container).", nameof(key));
            }

            if (segment.Any(char.IsControl))
            {
                throw new ArgumentException($"The store key '{key}' contains a control character.", nameof(key));
            }
        }

        return key;
    }

    /// <summary>Joins a prefix (possibly empty) and a relative key with '/'.</summary>
    public static string Join(string prefix, string key)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(key);
        prefix = prefix.Trim('/');
        return prefix.Length == 0 ? key : key.Length == 0 ? prefix : prefix + "/" + key;
    }
}
