/* Built as a shared library (see tests/find.mk) with the name of a watched
 * GPU library, libnvinfer_plugin.so.10, that needs a symbol no library
 * provides: dlopen(RTLD_NOW) fails with "undefined symbol", as a plugin
 * built against a newer release of its dependency does. */
int nvinferFindNewApi_v99(void);

int find_undef_entry(void)
{
	return nvinferFindNewApi_v99();
}
