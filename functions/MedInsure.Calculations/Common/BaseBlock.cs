namespace MedInsure.Calculations;

/// <summary>The contribution base as requested and as applied after clamping to the band. Bounds are never rounded.</summary>
/// <param name="Clamped">"floor", "ceiling" or null.</param>
public sealed record BaseBlock(decimal Requested, decimal Applied, decimal? Floor, decimal? Ceiling, string? Clamped)
{
    internal static BaseBlock Clamp(decimal requested, decimal? floor, decimal? ceiling)
    {
        if (floor is { } f && requested < f)
        {
            return new(requested, f, floor, ceiling, "floor");
        }

        if (ceiling is { } c && requested > c)
        {
            return new(requested, c, floor, ceiling, "ceiling");
        }

        return new(requested, requested, floor, ceiling, null);
    }
}

/// <summary>Where a figure came from, for answers that must cite their assumptions.</summary>
public sealed record Assumption(string Name, string Value, string Source);
