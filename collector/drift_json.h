/* Iteration over jansson arrays and objects, as jansson's own
 * json_array_foreach / json_object_foreach (same expansion), defined here
 * so that static analysers that do not read system headers (make lint)
 * can parse the loops. */
#ifndef GS_DRIFT_JSON_H
#define GS_DRIFT_JSON_H

#include <jansson.h>

#define GS_JSON_ARRAY_EACH(array, index, value) \
	for ((index) = 0; (index) < json_array_size(array) && ((value) = json_array_get((array), (index))); (index)++)

#define GS_JSON_OBJECT_EACH(object, key, value) \
	for ((key) = json_object_iter_key(json_object_iter(object)); \
	     (key) && ((value) = json_object_iter_value(json_object_key_to_iter(key))); \
	     (key) = json_object_iter_key(json_object_iter_next((object), json_object_key_to_iter(key))))

#endif
