using System.Globalization;
using System.Text.Json;

namespace CityBrain.Drivers.Gpio;

/// <summary>The <c>chip</c> field as configured: absent (the Pi header chip, found by label), a number, or a label.</summary>
/// <param name="Text">As written (<c>auto</c> when absent); the key of the chip's controller in the hardware context.</param>
/// <param name="Number">The chip's number when given as one.</param>
/// <param name="Label">The chip's label when given as one.</param>
public sealed record GpioChipRequest(string Text, int? Number, string? Label)
{
    public static GpioChipRequest Auto { get; } = new("auto", null, null);

    public bool IsAuto => Number is null && Label is null;

    /// <summary>Reads the field; null (with <paramref name="problem"/>) when it is neither a label nor a number.</summary>
    public static GpioChipRequest? Parse(JsonElement? chip, out string? problem)
    {
        problem = null;
        if (chip is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return Auto;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt32(out int n) && n >= 0)
            {
                return new GpioChipRequest(n.ToString(CultureInfo.InvariantCulture), n, null);
            }

            problem = "a chip number is a whole number from 0";
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
        {
            if (text == "auto")
            {
                return Auto;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
                ? new GpioChipRequest(text, n, null)
                : new GpioChipRequest(text, null, text);
        }

        problem = "chip is a label (\"pinctrl-rp1\"), a number (0) or \"auto\"";
        return null;
    }

    /// <summary>The chip this request names among <paramref name="chips"/>, or null with the reason in <paramref name="problem"/>.</summary>
    public GpioChip? Resolve(IReadOnlyList<GpioChip> chips, out string? problem)
    {
        problem = null;
        GpioChip? found = IsAuto ? GpioChipDirectory.FindPiHeader(chips)
            : Number is { } n ? chips.FirstOrDefault(c => c.Index == n) ?? new GpioChip(n, "", 0)
            : chips.FirstOrDefault(c => c.Label == Label);
        if (found is null)
        {
            string seen = chips.Count == 0 ? "no GPIO chip is listed under /sys/bus/gpio/devices" : "chips here: " + string.Join(", ", chips.Select(c => $"gpiochip{c.Index} \"{c.Label}\" ({c.Lines} lines)"));
            problem = IsAuto
                ? $"no Raspberry Pi header chip ({string.Join(", ", GpioChipDirectory.PiHeaderLabels)}) on this machine; {seen}"
                : $"no GPIO chip labelled \"{Label}\"; {seen}";
        }

        return found;
    }
}
