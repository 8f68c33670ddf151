#!/usr/bin/env python3
"""Writes each template's test vector (NAME.vector.json) from the template and a table of intended values.

The raw registers are encoded here with Python's struct module, independently of the C# RegisterCodec, so the
theory over the templates folder checks our decoder against a second implementation. Run from this folder:
    python3 make_vectors.py
"""
import json, struct, pathlib

VALUES = {
    "weather-station-ws100": {"air_temperature": 22.5, "relative_humidity": 56.4, "air_pressure": 1013.2, "dew_point": 13.4,
        "wind_speed": 3.42, "wind_direction": 247, "wind_gust": 6.1, "rainfall": 1234.5,
        "rain_rate": 1.25, "solar_radiation": 412, "serial_number": "WS100-2231-0042"},
    "air-quality-pm2510": {"pm1_0": 8.25, "pm2_5": 14.5, "pm10": 27.75, "particle_count_0_3um": 1830,
        "sensor_temperature": 24.5, "sensor_humidity": 48.0, "fan_fault": 0, "laser_fault": 1, "fan_speed": 3120},
    "noise-meter-nm30": {"noise_laeq": 62.3, "noise_lafmax": 78.9, "noise_lafmin": 41.2,
        "noise_la90": 45.6, "noise_lcpeak": 95.5, "noise_lden": 58.37, "serial_number": "NM30-A7731"},
    "traffic-loop-controller-tc8": {"vehicle_count_total_lane_1": 15342, "vehicle_count_total_lane_2": 14877, "mean_speed_lane_1": 47.3,
        "mean_speed_lane_2": 51.9, "occupancy_lane_1": 12.4, "occupancy_lane_2": 9.8, "heavy_vehicle_ratio": 6.5,
        "vehicle_count_total": 123456789012, "uptime": 8640000, "presence_lane_1": 1, "presence_lane_2": 0,
        "loop_fault_lane_1": 0, "detector_enabled": 1},
    "flood-level-fl10": {"water_level": 1.48, "water_level_rate": -2.5, "signal_quality": 87, "battery_voltage": 12.71,
        "water_temperature": 11.625, "alarm_level": 2.5, "flood_alarm": 0},
    "bin-level-ub40": {"fill_level": 64, "distance": 0.512, "bin_temperature": -3.5, "lid_open": 1, "fire_alarm": 0,
        "tilt_alarm": 0, "battery_voltage": 3.612, "battery_level": 78, "collections_count": 412},
    "street-light-meter-em24": {"voltage": 231.4, "current": 0.846, "active_power": 182.5, "power_factor": 0.93,
        "frequency": 50.02, "apparent_power": 196.2, "active_energy": 15234.75, "operating_hours": 26311, "lamp_on": 1},
    "street-cabinet-monitor-sc20": {"voltage": 230.5, "current": 2.25, "active_power": 487.5, "apparent_power": 512.0,
        "active_energy": 8231.5, "frequency": 49.98, "power_factor": 0.952, "sensor_temperature": 27.3, "sensor_humidity": 45.6,
        "battery_voltage": 13.27, "battery_level": 98, "signal_quality": 74, "operating_hours": 41210, "illuminance": 1250,
        "fan_speed": 2400, "pulse_count": 3187, "door_open": 0, "lamp_on": 1, "fan_fault": 0, "fire_alarm": 0},
}

FORMATS = {"INT16": ">h", "UINT16": ">H", "INT32": ">i", "UINT32": ">I", "INT64": ">q", "UINT64": ">Q", "FLOAT32": ">f", "FLOAT64": ">d"}


def words(point, value, default_order):
    kind = point["type"].upper()
    order = point.get("order", default_order)
    raw = (value - point.get("offset", 0)) / point.get("scale", 1)
    if kind.startswith(("INT", "UINT")):
        raw = int(round(raw))
    data = struct.pack(FORMATS[kind], raw)                       # big-endian bytes A B C D ...
    ws = [data[i:i + 2] for i in range(0, len(data), 2)]
    if order in ("CDAB", "DCBA"):
        ws = ws[::-1]                                            # word swap over all words
    if order in ("BADC", "DCBA"):
        ws = [w[::-1] for w in ws]                               # byte swap inside each word
    return [int.from_bytes(w, "big") for w in ws]


def main():
    here = pathlib.Path(__file__).parent
    for name, values in VALUES.items():
        template = json.loads((here / f"{name}.json").read_text())
        default_order = template.get("defaults", {}).get("wordOrder", "ABCD")
        tables = {}
        expected, expected_text = {}, {}
        for point in template["points"]:
            value = values[point["name"]]
            table = tables.setdefault(point["table"], {})
            addr = point["address"]
            kind = point["type"].upper()
            if kind == "STRING":
                text = value.encode("ascii").ljust(point["length"] * 2, b"\0")
                for i in range(point["length"]):
                    table[addr + i] = int.from_bytes(text[2 * i:2 * i + 2], "big")
                expected_text[point["name"]] = value
                continue
            expected[point["name"]] = value
            if kind == "BIT":
                if point["table"] in ("coil", "discrete"):
                    table[addr] = int(value)
                else:
                    table[addr] = table.get(addr, 0) | (int(value) << point.get("bit", 0))
                continue
            for i, w in enumerate(words(point, value, default_order)):
                table[addr + i] = w
        dump = []
        for table, items in tables.items():
            start, end = min(items), max(items) + 1
            block = {"table": table, "start": start}
            if table in ("coil", "discrete"):
                block["bits"] = "".join(str(items.get(a, 0)) for a in range(start, end))
            else:
                block["registers"] = " ".join(f"{items.get(a, 0):04X}" for a in range(start, end))
            dump.append(block)
        vector = {"template": name, "dump": dump, "expected": expected}
        if expected_text:
            vector["expectedText"] = expected_text
        (here / f"{name}.vector.json").write_text(json.dumps(vector, indent=2) + "\n")


if __name__ == "__main__":
    main()
