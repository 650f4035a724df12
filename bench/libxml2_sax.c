/*
 * libxml2's SAX parser as a contender of bench/xml_bench.ts: parses a buffer with
 * xmlSAXUserParseMemory and a SAX2 handler whose callbacks do nothing but count the start
 * tags (the same events saxes reports to bench/saxes_elements.ts). Built and loaded by
 * bench/libxml2_sax.ts; not part of the SDK.
 */

#include <stdint.h>
#include <string.h>
#include <libxml/parser.h>

static void on_start(void *count, const xmlChar *name, const xmlChar *prefix,
                     const xmlChar *uri, int namespaces_count, const xmlChar **namespaces,
                     int attributes_count, int defaulted_count, const xmlChar **attributes) {
  (void)name; (void)prefix; (void)uri; (void)namespaces_count; (void)namespaces;
  (void)attributes_count; (void)defaulted_count; (void)attributes;
  ++*(int32_t *)count;
}

static void on_end(void *count, const xmlChar *name, const xmlChar *prefix,
                   const xmlChar *uri) {
  (void)count; (void)name; (void)prefix; (void)uri;
}

static void on_text(void *count, const xmlChar *text, int length) {
  (void)count; (void)text; (void)length;
}

static void on_error(void *count, const char *message, ...) {
  (void)count; (void)message;
}

/*
 * Parses `bytes` (`length` bytes, UTF-8) `times` times. Returns xmlSAXUserParseMemory's code
 * (0: well-formed) of the first parse that fails, else 0; `elements[0]` receives the number of
 * start tags of one parse.
 */
int32_t libxml2_sax_parse(const char *bytes, int32_t length, int32_t times, int32_t *elements) {
  xmlSAXHandler handler;
  memset(&handler, 0, sizeof handler);
  handler.initialized = XML_SAX2_MAGIC;
  handler.startElementNs = on_start;
  handler.endElementNs = on_end;
  handler.characters = on_text;
  handler.ignorableWhitespace = on_text;
  handler.cdataBlock = on_text;
  handler.warning = on_error;
  handler.error = on_error;
  handler.fatalError = on_error;
  for (int32_t i = 0; i < times; i++) {
    elements[0] = 0;
    int code = xmlSAXUserParseMemory(&handler, elements, bytes, length);
    if (code != 0) return code;
  }
  return 0;
}
