# sb_embed(NAME NAMESPACE files...) generates a .cpp that holds each file as a
# byte array, plus a table {name, data, size}; sets NAME_SOURCES.
set(SB_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_run.cmake)
function(sb_embed name ns)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name}.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${ns} "-DFILES=${ARGN}"
            -P ${SB_EMBED_SCRIPT}
    DEPENDS ${ARGN} ${SB_EMBED_SCRIPT}
    COMMENT "Embedding ${ns}"
    VERBATIM)
  set(${name}_SOURCES ${out} PARENT_SCOPE)
endfunction()
