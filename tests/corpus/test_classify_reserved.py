"""The classifier's data never names a reserved project (``shared/RESERVED.md``, embedded here: CI
has no ``../shared``), as a public repository or as a registry package of the same code, and the
recipe's exclusion list keeps vendored copies of them out of every source."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from firmcorpus.corpus.domains import evalset

RECIPE = Path(__file__).resolve().parents[2] / "bench" / "devset" / "classify" / "SOURCES.csv"

# shared/RESERVED.md as of 2026-12-06
RESERVED = """
ARM-software/CMSIS_5 Aquantia/AQtion Beirdo/Arduino-LM96163 DaveGamble/cJSON DonglinLi825/datasheet
ElectronicCats/mpu6050 FreeRTOS/coreMQTT LineageOS/android_kernel_sony_sm8550-devicetrees Mbed-TLS/mbedtls
STMicroelectronics/STM32CubeF4 STMicroelectronics/stts22h-pid SniPerLyFe01/ADIS16477
adafruit/Adafruit-PWM-Servo-Driver-Library adafruit/Adafruit_TCS34725 adafruit/Adafruit_VEML6075
alexhla/uva-uvb-sensor-veml6075-driver aminegaizi/Robot_Project_IFX amosproj/amos2024ss07-updating-flash-boot-loader
ataradov/mcu-starter-projects autowp/arduino-mcp2515 avrdudes/avr-libc beagleboard/BeagleBoard-DeviceTrees
bluez/bluez boschsensortec/BME280_SensorAPI boschsensortec/BMI08x_SensorAPI freebsd/drm-kmod hathach/tinyusb
intel/tinycrypt jakkra/ZSWatch libdriver/ads1115 libdriver/adxl345 libdriver/amg8833 libdriver/apds9960
libdriver/as5600 libdriver/bme280 libdriver/ds3231 libdriver/hmc5883l libdriver/ina219 libdriver/l3gd20h
libdriver/lan8720 libdriver/max30102 libdriver/mcp9600 libdriver/mcp9808 libdriver/mfrc522 libdriver/mma7660fc
libdriver/mpu6050 libdriver/nrf24l01 libdriver/opt300x libdriver/pca9685 libdriver/st7789 libdriver/stts22h
libdriver/sx1268 libdriver/tcs34725 libdriver/vs1053b libdriver/wm8978 littlefs-project/littlefs lwip-tcpip/lwip
metakevin/2can miguelbalboa/rfid mtorromeo/r8168 nRF24/RF24 nanopb/nanopb nxp-mcuxpresso/mcux-sdk openwrt/mt76
raspberrypi/pico-sdk sparkfun/SparkFun_MAX3010x_Sensor_Library tuxedocomputers/tuxedo-drivers uki0327/datasheets
xiaoyanghao/W5500 zmkfirmware/zmk
""".split()

# registry names of reserved projects that differ from their repository names
REGISTRY_ALIASES = {"avrlibc": "avrdudes/avr-libc", "libmbedtls": "Mbed-TLS/mbedtls", "mbedcrypto":
                    "Mbed-TLS/mbedtls", "polarssl": "Mbed-TLS/mbedtls", "libbluetooth": "bluez/bluez",
                    "cjson": "DaveGamble/cJSON", "libcjson": "DaveGamble/cJSON", "picosdk": "raspberrypi/pico-sdk",
                    "liblwip": "lwip-tcpip/lwip", "cmsis": "ARM-software/CMSIS_5"}


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def reserved_named_by(source: str, fetch: str) -> str | None:
    """The reserved project a source names: a ``git:owner/name`` repository (exactly), or a registry
    package (``deb:``/``debsrc:``/``pip:`` spec or source name) whose name is a reserved project's."""
    repos = {r.lower(): r for r in RESERVED}
    for spec in (source, fetch):
        if spec.startswith("git:"):
            repo = spec[len("git:"):].split("@", 1)[0].lower()
            if repo in repos:
                return repos[repo]
            continue
        pkg = _norm(re.split(r"==|@", spec.split(":", 1)[-1])[0])
        for name, repo in [(_norm(r.split("/", 1)[1]), r) for r in RESERVED] + list(REGISTRY_ALIASES.items()):
            if len(name) >= 4 and (pkg == name or pkg.startswith(name) or (len(name) >= 5 and name in pkg)):
                return repo
    return None


def test_the_checker_catches_the_registry_copies_used_before():
    assert reserved_named_by("mbedtls", "debsrc:mbedtls") == "Mbed-TLS/mbedtls"
    assert reserved_named_by("avr-libc", "deb:avr-libc") == "avrdudes/avr-libc"
    assert reserved_named_by("lwip", "debsrc:lwip") == "lwip-tcpip/lwip"
    assert reserved_named_by("bluez", "debsrc:bluez") == "bluez/bluez"
    assert reserved_named_by("git:hathach/tinyusb", "git:hathach/tinyusb@abc") == "hathach/tinyusb"
    assert reserved_named_by("git:ARM-software/CMSIS_6", "git:ARM-software/CMSIS_6@abc") is None
    assert reserved_named_by("wolfssl", "debsrc:wolfssl") is None


def test_no_evalset_source_is_a_reserved_project():
    bad = {n: reserved_named_by(n, s.fetch) for n, s in evalset.SOURCES.items()}
    assert {n: r for n, r in bad.items() if r} == {}


def test_no_recipe_row_names_a_reserved_project():
    with open(RECIPE, newline="") as f:
        pairs = {(r["source"], r["fetch"]) for r in csv.DictReader(f)}
    assert pairs
    assert {p: reserved_named_by(*p) for p in pairs if reserved_named_by(*p)} == {}


def test_every_exclusion_row_names_a_reserved_project():
    globs = evalset.load_reserved_globs()
    assert globs
    for g in globs:
        owner, name = g.reserved.split("/", 1)
        assert g.reserved in RESERVED or (name == "*" and any(r.startswith(owner + "/") for r in RESERVED)), g


def test_vendored_copies_are_excluded_wherever_they_sit():
    src = "git:example/firmware"
    for rel in ("third_party/lwip/src/core/tcp.c", "lib/mbedtls/library/aes.c", "ext/TinyUSB/src/tusb.c",
                "modules/littlefs/lfs.c", "lfs.c", "components/cJSON/cJSON.c", "Drivers/CMSIS/Include/core_cm4.h",
                "drivers/net/wireless/mediatek/mt76/mac80211.c", "drivers/net/ethernet/aquantia/atlantic/aq_nic.c",
                "Drivers/STM32F4xx_HAL_Driver/Src/stm32f4xx_hal_gpio.c", "include/avr/iom328p.h",
                "ext/tinycrypt/lib/source/aes_encrypt.c", "src/pb_decode.c", "src/core_mqtt.c"):
        assert evalset.reserved_match(src, rel) is not None, rel
    for rel in ("src/aes.c", "drivers/net/wireless/ath/ath9k/main.c", "Src/stm32l4xx_hal_gpio.c",
                "include/libopencm3/stm32/f4/gpio.h", "core/lib/crypto.c"):
        assert evalset.reserved_match(src, rel) is None, rel
    # the successor of a reserved project, itself not reserved, keeps its own core headers
    assert evalset.reserved_match("git:ARM-software/CMSIS_6", "CMSIS/Core/Include/core_cm4.h") is None


def test_collect_counts_excluded_copies_per_source(tmp_path):
    root = tmp_path / "include/libopencm3"
    (root / "stm32").mkdir(parents=True)
    (root / "lwip").mkdir(parents=True)
    text = "#define GPIOA_MODER (*(volatile unsigned *)0x40020000)\n" * 4
    (root / "stm32/gpio.h").write_text(text)
    (root / "lwip/opt.h").write_text(text)
    skipped: dict[str, int] = {}
    src = "git:libopencm3/libopencm3"
    got = evalset.collect("train", roots={src: tmp_path}, sources=[src], fetch=False, skipped=skipped)
    assert [e.path for e in got] == ["include/libopencm3/stm32/gpio.h"]
    assert skipped[f"reserved:{src}"] == 1
