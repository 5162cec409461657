"""OpenAPI post-processing (drf-spectacular): every operation documents its error
answers and their body, and the two ways to authenticate are described."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "string",
            "description": "El mensaje, en el idioma de Accept-Language (español por defecto).",
        },
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Errores por campo, cuando los hay.",
        },
    },
    "required": ["detail"],
}
ERRORS = {
    "400": "Entrada no válida (parámetros, cuerpo JSON, bytes NUL, números enormes).",
    "401": "Credenciales ausentes o no válidas (token).",
    "403": "Sin permiso, o falta la cabecera X-CSRFToken en una escritura con sesión.",
    "404": "No existe, no es público o el cursor no es válido.",
    "405": "Método no permitido.",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    schemes = components.setdefault("securitySchemes", {})
    if "cookieAuth" in schemes:
        schemes["cookieAuth"]["description"] = (
            "Sesión del sitio (cookie `sessionid`). Toda escritura (POST, PUT, PATCH, "
            "DELETE) con sesión debe enviar la cabecera `X-CSRFToken` con el valor de "
            "la cookie `csrftoken`; sin ella la respuesta es 403."
        )
    if "tokenAuth" in schemes:
        schemes["tokenAuth"]["description"] = (
            "Token de API para aplicaciones: `Authorization: Token <clave>`. Una "
            "persona con sesión lo obtiene con POST /api/v1/auth/token/ y lo revoca con "
            "DELETE. Sin CSRF. Las cuentas del personal no usan tokens."
        )
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["400", "405"]
            if "{" in path:
                codes.append("404")
            if method != "get":
                codes += ["401", "403"]
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": ERRORS[code], "content": ref}
                )
    return result
