#ifndef OUTREACH_CCURL_SHIM_H
#define OUTREACH_CCURL_SHIM_H

#include <curl/curl.h>

/* curl_easy_setopt and curl_multi_setopt are variadic, which Swift cannot
   call. These typed wrappers are the only way Swift code sets options. */

static inline CURLcode outreach_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode outreach_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode outreach_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode outreach_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode outreach_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*outreach_data_callback)(char *data, size_t size, size_t count, void *context);

static inline CURLcode outreach_easy_setopt_data_callback(CURL *handle, CURLoption option, outreach_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode outreach_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode outreach_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode outreach_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

/* CURLVERSION_NOW is a macro Swift does not import. */
static inline curl_version_info_data *outreach_version_info(void) {
    return curl_version_info(CURLVERSION_NOW);
}

#endif
