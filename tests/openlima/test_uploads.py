"""The shared upload checks: content sniffing, sizes, metadata-free images, safe names."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageCms, PngImagePlugin

from openlima import uploads
from openlima.errors import ApplicationError

ALL_KINDS = frozenset(uploads.KINDS)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def image_bytes(fmt, size=(8, 6), mode="RGB", color="red", **save):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def zip_bytes(members: dict, *, first=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if first:
            archive.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ooxml(folder: str) -> bytes:
    part = {"word/": "document", "xl/": "workbook", "ppt/": "presentation"}[folder]
    return zip_bytes(
        {
            "[Content_Types].xml": "<Types/>",
            "_rels/.rels": "<Relationships/>",
            f"{folder}{part}.xml": "<x/>",
        }
    )


def odf(media_type: str) -> bytes:
    return zip_bytes({"content.xml": "<x/>"}, first=("mimetype", media_type))


def ole(marker: bytes) -> bytes:
    data = bytearray(OLE + b"\x00" * 2200)
    data[512 : 512 + len(marker)] = marker
    return bytes(data)


SAMPLES = {
    "pdf": (PDF, "acta.pdf"),
    "jpeg": (image_bytes("JPEG"), "foto.jpg"),
    "png": (image_bytes("PNG"), "foto.png"),
    "gif": (image_bytes("GIF", mode="P", color=1), "foto.gif"),
    "webp": (image_bytes("WEBP"), "foto.webp"),
    "docx": (ooxml("word/"), "informe.docx"),
    "xlsx": (ooxml("xl/"), "hoja.xlsx"),
    "pptx": (ooxml("ppt/"), "charla.pptx"),
    "odt": (odf("application/vnd.oasis.opendocument.text"), "texto.odt"),
    "ods": (odf("application/vnd.oasis.opendocument.spreadsheet"), "hoja.ods"),
    "odp": (odf("application/vnd.oasis.opendocument.presentation"), "charla.odp"),
    "doc": (ole(b"\xec\xa5\xc1\x00"), "viejo.doc"),
    "xls": (ole(b"\x09\x08\x10\x00\x00\x06\x05\x00"), "viejo.xls"),
    "ppt": (ole(b"\xa0\x46\x1d\xf0"), "viejo.ppt"),
    "csv": (b"distrito;monto\nMiraflores;10\n", "datos.csv"),
    "json": (b'[{"a": 1}]', "datos.json"),
    "geojson": (b'{"type": "FeatureCollection", "features": []}', "mapa.geojson"),
    "mp3": (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64, "audio.mp3"),
    "ogg": (b"OggS\x00\x02" + b"\x00" * 64, "audio.ogg"),
    "wav": (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 64, "audio.wav"),
    "flac": (b"fLaC\x00\x00\x00\x22" + b"\x00" * 64, "audio.flac"),
    "m4a": (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 64, "audio.m4a"),
    "amr": (b"#!AMR\n" + b"\x00" * 64, "audio.amr"),
}


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == ALL_KINDS - {"zip"}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_allowed_kind_is_recognised_by_content(kind):
    data, name = SAMPLES[kind]
    found = uploads.sniff(data, allowed=ALL_KINDS, filename=name, check_extension=True)
    assert found.kind == kind
    assert found.media_type == uploads.KINDS[kind].media_type
    assert found.extension == uploads.KINDS[kind].extension
    # The same answer from an uploaded file object (read by head and ZIP directory).
    upload = SimpleUploadedFile(name, data)
    assert uploads.sniff(upload, allowed=ALL_KINDS, filename=name).kind == kind
    assert upload.tell() == 0


def test_media_types_are_normalised():
    assert uploads.sniff(SAMPLES["wav"][0], allowed={"wav"}).media_type == "audio/wav"
    assert (
        uploads.sniff(SAMPLES["flac"][0], allowed={"flac"}).media_type == "audio/flac"
    )
    assert uploads.sniff(SAMPLES["m4a"][0], allowed={"m4a"}).media_type == "audio/mp4"
    jpeg = uploads.sniff(SAMPLES["jpeg"][0], allowed={"jpeg"})
    assert (jpeg.media_type, jpeg.extension) == ("image/jpeg", "jpg")


@pytest.mark.parametrize(
    "data,name,allowed",
    [
        (EXE, "foto.jpg", uploads.IMAGE_KINDS),  # an executable renamed .jpg
        (EXE, "informe.pdf", ALL_KINDS - {"zip"}),
        (HTML, "informe.pdf", {"pdf"}),  # HTML renamed .pdf
        (HTML, "datos.csv", {"csv", "json"}),  # markup is never CSV
        (PDF, "foto.jpg", uploads.IMAGE_KINDS),  # a PDF renamed .jpg
        (zip_bytes({"payload.exe": "x"}), "informe.docx", uploads.OFFICE_KINDS),
        (
            zip_bytes({"[Content_Types].xml": "<Types/>"}),
            "x.docx",
            uploads.OFFICE_KINDS,
        ),
        (odf("application/epub+zip"), "libro.odt", uploads.OFFICE_KINDS),
        (b"PK\x03\x04broken", "hoja.xlsx", uploads.OFFICE_KINDS),
        (b"{not json", "datos.json", {"json", "geojson"}),
        (b"hola mundo", "nota.exe", uploads.TEXT_KINDS),
        (SAMPLES["mp3"][0], "audio.mp3", uploads.IMAGE_KINDS | {"pdf"}),
    ],
)
def test_disguised_or_unknown_content_is_refused(data, name, allowed):
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.sniff(data, allowed=allowed, filename=name, check_extension=True)
    assert exc.value.reason == "not_allowed"
    assert isinstance(exc.value, ApplicationError) and exc.value.status_code == 400
    assert "contenido" in exc.value.message and exc.value.field_errors["file"]


def test_zip_that_is_not_office_is_reported_as_zip():
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.sniff(zip_bytes({"a.txt": "x"}), allowed=uploads.OFFICE_KINDS)
    assert exc.value.kind == "zip"


def test_pdf_renamed_jpg_is_a_mismatch_where_pdf_is_allowed():
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.sniff(
            PDF, allowed={"pdf", "jpeg"}, filename="foto.jpg", check_extension=True
        )
    assert exc.value.reason == "mismatch" and exc.value.kind == "pdf"
    # Without the extension rule the content alone decides.
    assert uploads.sniff(PDF, allowed={"pdf"}, filename="foto.jpg").kind == "pdf"


def test_csv_needs_a_tabular_name_and_text_content():
    data = SAMPLES["csv"][0]
    assert uploads.sniff(data, allowed={"csv"}, filename="datos.TXT").kind == "csv"
    with pytest.raises(uploads.UploadRefused):
        uploads.sniff(data, allowed={"csv"}, filename="datos.bin")
    with pytest.raises(uploads.UploadRefused):
        uploads.sniff(b"a,b\x00\x00", allowed={"csv"}, filename="datos.csv")


def test_unknown_kind_in_a_policy_is_a_programming_error():
    with pytest.raises(ValueError):
        uploads.sniff(PDF, allowed={"pdf", "exe"})


@pytest.mark.parametrize("kind", ["pdf", "jpeg"])
def test_empty_file_refused(kind):
    for call in (
        lambda: uploads.sniff(b"", allowed={kind}),
        lambda: uploads.sniff(SimpleUploadedFile("x", b""), allowed={kind}),
        lambda: uploads.check_size(0, max_bytes=10),
        lambda: uploads.read_upload(SimpleUploadedFile("x", b""), max_bytes=10),
    ):
        with pytest.raises(uploads.UploadRefused) as exc:
            call()
        assert exc.value.reason == "empty"
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.image_clean(b"")
    assert exc.value.reason == "empty"


def test_size_limit_with_the_limit_in_the_message():
    uploads.check_size(10, max_bytes=10)
    with translation.override("es"), pytest.raises(uploads.UploadRefused) as exc:
        uploads.check_size(5 * 1024 * 1024 + 1, max_bytes=5 * 1024 * 1024)
    assert exc.value.reason == "too_big" and "(5 MB)" in exc.value.message
    upload = SimpleUploadedFile("grande.pdf", PDF * 10)
    with pytest.raises(uploads.UploadRefused):
        uploads.read_upload(upload, max_bytes=len(PDF))
    assert uploads.read_upload(upload, max_bytes=len(PDF) * 10) == PDF * 10
    assert uploads.megabytes(1572864) == 1.5


def test_refusals_are_translated_and_can_be_worded_by_the_caller():
    with translation.override("en"), pytest.raises(uploads.UploadRefused) as exc:
        uploads.sniff(EXE, allowed={"pdf", "jpeg", "png"})
    assert exc.value.message.startswith(
        "File type not allowed. Accepted: PDF, JPEG, PNG."
    )
    messages = {"not_allowed": ("«%(name)s» no vale.", None), "empty": "Vacío"}
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.sniff(
            EXE, allowed={"pdf"}, field="doc", messages=messages, name="a.exe"
        )
    assert exc.value.message == "«a.exe» no vale." and exc.value.field_errors == {}
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.sniff(b"", allowed={"pdf"}, field="doc", messages=messages)
    assert exc.value.field_errors == {"doc": ["Vacío"]}
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.sniff(b"", allowed={"pdf"}, field=None)
    assert exc.value.field_errors == {}


# --- images -----------------------------------------------------------------------------

SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def tagged_image(fmt: str) -> bytes:
    """40x20, red left half, blue right half, shown rotated (EXIF orientation 6 = turn
    90° clockwise), with camera, GPS, ICC and (where the format can) XMP and a comment."""
    image = Image.new("RGB", (40, 20), "blue")
    image.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x010F] = "CamaraDelVecino"  # Make
    exif[0x0112] = 6  # Orientation
    exif[0x8825] = {1: "S", 2: (12.0, 2.0, 46.0), 3: "W", 4: (77.0, 1.0, 42.0)}
    options = {"exif": exif.tobytes(), "icc_profile": SRGB_ICC}
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">UbicacionSecreta</x:xmpmeta>'
    if fmt == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_itxt("XML:com.adobe.xmp", xmp.decode())
        text.add_text("Comment", "ComentarioSecreto")
        options["pnginfo"] = text
    else:
        options["xmp"] = xmp
    if fmt == "JPEG":
        options["comment"] = b"ComentarioSecreto"
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    "fmt,kind", [("JPEG", "jpeg"), ("PNG", "png"), ("WEBP", "webp")]
)
@pytest.mark.parametrize("output", ["same", "web"])
def test_exif_gps_xmp_icc_removed_orientation_kept(fmt, kind, output):
    data = tagged_image(fmt)
    original = Image.open(io.BytesIO(data))
    assert original.getexif()[0x0112] == 6 and original.getexif().get_ifd(0x8825)
    for secret in (b"CamaraDelVecino", b"UbicacionSecreta"):
        assert secret in data
    assert (b"ComentarioSecreto" in data) == (fmt != "WEBP")
    assert original.info.get("icc_profile")

    clean = uploads.image_clean(data, output=output)

    assert clean.kind == (kind if output == "same" else "jpeg")
    stored = Image.open(io.BytesIO(clean.data))
    assert stored.format == uploads.KINDS[clean.kind].media_type.split("/")[1].upper()
    assert not stored.getexif()
    for key in (
        "exif",
        "icc_profile",
        "xmp",
        "XML:com.adobe.xmp",
        "comment",
        "Comment",
    ):
        assert key not in stored.info
    for secret in (
        b"CamaraDelVecino",
        b"UbicacionSecreta",
        b"ComentarioSecreto",
        b"Exif",
    ):
        assert secret not in clean.data
    # Orientation applied to the pixels: now 20 wide, 40 tall, red on top.
    assert (clean.width, clean.height) == stored.size == (20, 40)
    rgb = stored.convert("RGB")
    top, bottom = rgb.getpixel((10, 5)), rgb.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_gif_and_transparency():
    gif = uploads.image_clean(SAMPLES["gif"][0])
    assert gif.kind == "gif" and Image.open(io.BytesIO(gif.data)).format == "GIF"
    rgba = image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0))
    web = uploads.image_clean(rgba, output="web")
    assert web.kind == "png" and Image.open(io.BytesIO(web.data)).mode == "RGBA"


def test_images_outside_the_policy_or_damaged_are_refused():
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.image_clean(SAMPLES["gif"][0], allowed={"jpeg", "png"})
    assert exc.value.reason == "not_allowed" and exc.value.kind == "gif"
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.image_clean(PDF)
    assert exc.value.reason == "not_allowed" and exc.value.kind == "pdf"
    truncated = SAMPLES["png"][0][:40]
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.image_clean(truncated)
    assert exc.value.reason == "bad_image"


def test_max_side_shrinks():
    big = image_bytes("JPEG", size=(400, 100))
    clean = uploads.image_clean(big, max_side=100)
    assert (clean.width, clean.height) == (100, 25)


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims huge dimensions (the classic decompression bomb)."""

    def chunk(tag, body):
        return (
            struct.pack(">I", len(body))
            + tag
            + body
            + struct.pack(">I", zlib.crc32(tag + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    "size,max_pixels",
    [
        ((30_000, 30_000), None),  # above twice Pillow's limit: DecompressionBombError
        (
            (10_000, 10_000),
            10**10,
        ),  # above Pillow's limit: its warning is a refusal too
        ((3_000, 3_000), 1_000_000),  # above the caller's own limit
    ],
)
def test_decompression_bomb_refused_clearly(size, max_pixels):
    bomb = png_header_only(*size)
    assert len(bomb) < 200
    with translation.override("es"), pytest.raises(uploads.UploadRefused) as exc:
        uploads.image_clean(bomb, max_pixels=max_pixels)
    assert exc.value.reason == "too_many_pixels"
    assert exc.value.message == "La imagen tiene demasiados píxeles."


def test_image_pixel_limit_setting(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 100
    with pytest.raises(uploads.UploadRefused) as exc:
        uploads.image_clean(image_bytes("PNG", size=(20, 20)))
    assert exc.value.reason == "too_many_pixels"


def test_image_names_stay_importable_from_uploads():
    """`openlima.images` holds the code; `openlima.uploads` stays the public path."""
    from openlima import images

    assert uploads.image_clean is images.image_clean
    assert uploads.CleanImage is images.CleanImage
    assert uploads.max_image_pixels is images.max_image_pixels
    with pytest.raises(AttributeError):
        uploads.not_a_name  # noqa: B018


@pytest.mark.parametrize(
    "first", ["openlima.images", "openlima.uploads"], ids=["images", "uploads"]
)
def test_either_module_may_be_imported_first(first):
    """No import cycle: a fresh interpreter imports either module first."""
    import subprocess
    import sys

    other = {"openlima.images": "openlima.uploads"}.get(first, "openlima.images")
    code = (
        f"import {first}, {other}; from openlima.uploads import image_clean; "
        "import openlima.images as i; assert image_clean is i.image_clean"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


# --- names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,expected",
    [
        ("informe final.pdf", "informe-final.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\vecina\\acta<1>.pdf", "acta-1-.pdf"),
        (".htaccess", "htaccess"),
        ("", "archivo"),
        ("..", "archivo"),
        ("año 2026.csv", "año-2026.csv"),
    ],
)
def test_safe_filename(name, expected):
    assert uploads.safe_filename(name) == expected


def test_display_filename_and_storage_name():
    assert uploads.display_filename("C:\\fotos\\mi foto\x00.jpg") == "mi foto.jpg"
    assert uploads.display_filename("   ") == "archivo"
    assert len(uploads.display_filename("a" * 300)) == 150
    first, second = uploads.storage_name("pdf"), uploads.storage_name("pdf")
    assert first != second and first.endswith(".pdf") and len(first) == 36
    assert uploads.file_extension("Foto.JPG") == "jpg"
    assert uploads.file_extension("sin_extension") == ""


# --- the apps' call sites keep their policy and refuse bombs clearly ----------------------


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_app_call_sites_refuse_bombs_and_disguised_files_with_their_own_errors():
    from budgets.services import image_strip_metadata
    from commitments.services import evidence_check_file
    from complaints.uploads import FileRefused, clean_upload
    from opendata.services import file_sniff
    from participation.content import image_clean

    bomb = png_header_only(30_000, 30_000)
    with translation.override("es"):
        with pytest.raises(FileRefused):
            clean_upload(SimpleUploadedFile("foto.png", bomb))
        with pytest.raises(FileRefused, match="no coincide"):
            clean_upload(SimpleUploadedFile("foto.jpg", PDF))
        with pytest.raises(ApplicationError, match="demasiado grande"):
            image_strip_metadata(data=bomb)
        with pytest.raises(ApplicationError, match="Formato de imagen no admitido"):
            image_strip_metadata(data=SAMPLES["gif"][0])
        with pytest.raises(ApplicationError, match="demasiados píxeles"):
            image_clean(SimpleUploadedFile("foto.png", bomb))
        with pytest.raises(ApplicationError, match="JPEG, PNG o WebP") as exc:
            image_clean(SimpleUploadedFile("foto.jpg", EXE))
        assert exc.value.field_errors == {"image": ["Tipo de archivo no permitido."]}
        with pytest.raises(ApplicationError, match="no permitido"):
            evidence_check_file(
                uploaded=SimpleUploadedFile("acta.docx", zip_bytes({"a": "b"}))
            )
        kind = evidence_check_file(
            uploaded=SimpleUploadedFile("x.odp", SAMPLES["odp"][0])
        )
        assert (kind.media_type, kind.extension) == (
            uploads.KINDS["odp"].media_type,
            "odp",
        )
        with pytest.raises(ApplicationError, match="Se aceptan: CSV, XLSX"):
            file_sniff(data=HTML, filename="datos.csv")
        assert file_sniff(data=SAMPLES["xlsx"][0], filename="hoja.xlsx") == "XLSX"
