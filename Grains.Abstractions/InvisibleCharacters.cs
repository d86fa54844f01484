using System.Globalization;

namespace Baton;

/// <summary>Characters a name may not hold because a reader cannot see them: format characters (zero-width spaces, direction overrides) and line or paragraph separators.</summary>
internal static class InvisibleCharacters
{
    public static bool Contains(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
