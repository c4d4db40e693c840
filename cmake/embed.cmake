# sb_embed(NAME NAMESPACE files...) generates a .cpp that holds each file as a
# byte array, plus a table {name, data, size}; sets NAME_SOURCES.
set(SB_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_run.cmake)
# sb_embed(NAME NAMESPACE BASE dir files...) names each file by its path under dir.
function(sb_embed name ns)
  set(files ${ARGN})
  set(base "")
  list(GET files 0 first)
  if(first STREQUAL "BASE")
    list(GET files 1 base)
    list(REMOVE_AT files 0 1)
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${ns} "-DFILES=${files}" "-DBASE=${base}"
            -P ${SB_EMBED_SCRIPT}
    DEPENDS ${files} ${SB_EMBED_SCRIPT}
    COMMENT "Embedding ${ns}"
    VERBATIM)
  set(${name}_SOURCES ${out} PARENT_SCOPE)
endfunction()
